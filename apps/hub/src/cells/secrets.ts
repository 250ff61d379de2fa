// Agent credentials. Each agent gets 32 random bytes (256 bits) at enrollment, shown once.
// The hub keeps only a SHA-256 of it. A slow KDF (scrypt) protects low-entropy human
// passwords against guessing; a 256-bit random secret cannot be guessed, so a plain hash is
// enough and keeps a 10,000-agent reconnect storm cheap (NIST SP 800-63B §5.1.1.2 applies the
// slow-hash rule to memorised secrets, not to random ones).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newAgentSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashAgentSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function agentSecretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashAgentSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The embedded broker's check of an agent's credentials: its cell id, or undefined. */
export const agentAuthenticator =
  (cells: { getEnrollment(id: string): Promise<{ id: string; secretHash: string } | undefined> }) =>
  async (username: string, password: string): Promise<string | undefined> => {
    const e = await cells.getEnrollment(username);
    return e && agentSecretMatches(password, e.secretHash) ? e.id : undefined;
  };
