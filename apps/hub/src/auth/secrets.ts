// Passwords and tokens are stored as scrypt hashes with a per-secret salt, compared in
// constant time. The cost is in the stored string, so it can be raised without a migration.
// Human passwords get a high cost (OWASP Password Storage: N=2^17, r=8, p=1). Tokens are 256
// random bits, which no cost makes easier or harder to guess, so they use a cheap N=2^10 and
// every API request stays fast.
//
// scrypt runs on libuv's thread pool (async `crypto.scrypt`), never on the event loop that
// also runs the broker, ingest and dispatch: one synchronous password check at N=2^17 held the
// loop for ~0.4 s, and 8 concurrent bad logins froze /healthz for 5.9 s (issue 12, finding 2).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const PASSWORD_LOG_N = 17;
export const TOKEN_LOG_N = 10;
const R = 8;
const P = 1;
const KEY_LEN = 32;

export async function hashSecret(secret: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, logN);
  return `scrypt$${logN}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

function derive(secret: string, salt: Buffer, logN: number, r = R, p = P): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    // scrypt needs 128·N·r bytes; raise Node's 32 MiB default just enough.
    scrypt(secret.normalize('NFKC'), salt, KEY_LEN, { N, r, p, maxmem: 256 * N * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Hashes written before scrypt went async are the same strings, so they still verify. */
export async function secretMatches(secret: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), Number(logN), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A generated password: 18 random bytes, 24 characters, shown once. */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

export type TokenKind = 'session' | 'api';
const PREFIX: Record<TokenKind, string> = { session: 'cfs', api: 'cft' };

/** `cft.<id>.<secret>`: the id finds the row, the secret is checked against its hash. */
export function newToken(kind: TokenKind): { id: string; token: string; secret: string } {
  const id = randomBytes(9).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `${PREFIX[kind]}.${id}.${secret}` };
}

export function parseToken(token: string): { kind: TokenKind; id: string; secret: string } | undefined {
  const m = /^(cfs|cft)\.([0-9a-f]{18})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  return { kind: m[1] === 'cfs' ? 'session' : 'api', id: m[2]!, secret: m[3]! };
}
