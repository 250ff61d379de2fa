// The agent's half of signed dispatch: Ed25519 over `signingPayload(action)` with a key pinned
// at enrollment (docs/actions.md "Signing"). Same check as the hub's reference
// `verifyActionSignature`, kept here so the agent imports no hub code.
import { createPublicKey, verify } from 'node:crypto';
import { signingPayload } from '@cellfleet/core';
import type { ActionKey, SignedAction } from '@cellfleet/protocol';

export function verifyActionBody(body: unknown, pinned: readonly ActionKey[]): boolean {
  const b = body as { action?: unknown; signature?: unknown; keyId?: unknown } | null;
  if (!b || typeof b.signature !== 'string' || typeof b.keyId !== 'string' || typeof b.action !== 'object')
    return false;
  const key = pinned.find((k) => k.keyId === b.keyId);
  if (!key) return false;
  try {
    const data = Buffer.from(signingPayload(b.action as SignedAction), 'utf8');
    return verify(null, data, createPublicKey(key.publicKeyPem), Buffer.from(b.signature, 'base64'));
  } catch {
    return false;
  }
}
