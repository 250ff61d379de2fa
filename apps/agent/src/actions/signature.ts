// The agent's half of signed dispatch: Ed25519 over `signingPayload(action)` with a key pinned
// at enrollment (docs/actions.md "Signing"). Same check as the hub's reference
// `verifyActionSignature`, kept here so the agent imports no hub code.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { envelopeDigestInput, signingPayload } from '@cellfleet/core';
import type { ActionKey, SignedAction } from '@cellfleet/protocol';

export function verifyActionBody(body: unknown, pinned: readonly ActionKey[]): boolean {
  const b = body as { action?: unknown; signature?: unknown; keyId?: unknown } | null;
  if (!b || typeof b.signature !== 'string' || typeof b.keyId !== 'string' || typeof b.action !== 'object')
    return false;
  const key = pinned.find((k) => k.keyId === b.keyId);
  if (!key) return false;
  // Node's base64 decoder skips characters it does not know: only the canonical spelling of a
  // signature is accepted, so a copy with a padded signature is refused instead of admitted
  // under a digest the hub never sent (see envelopeDigest).
  const signature = Buffer.from(b.signature, 'base64');
  if (signature.toString('base64') !== b.signature) return false;
  try {
    const data = Buffer.from(signingPayload(b.action as SignedAction), 'utf8');
    return verify(null, data, createPublicKey(key.publicKeyPem), signature);
  } catch {
    return false;
  }
}

/** SHA-256 (hex) of the received `action` body, named in every result that answers it. */
export function envelopeDigest(body: unknown): string {
  return createHash('sha256').update(envelopeDigestInput(body), 'utf8').digest('hex');
}
