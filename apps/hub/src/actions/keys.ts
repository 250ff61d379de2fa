// The hub's Ed25519 signing keys. Agents pin public keys at enrollment and refuse actions
// signed by any other key. Rotation is staged so no agent is ever left unable to verify:
//   stage → re-pin agents with [old, next] → activate (next signs from now on) → retire the
//   old pin once actions it signed have expired. See docs/actions.md, "Key rotation".
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { signingPayload } from '@cellfleet/core';
import type { ActionBody, SignedAction } from '@cellfleet/protocol';
import { transaction } from '../audit/tx.ts';
import { AppError } from '../auth/errors.ts';
import { migrate } from '../store/migrate.ts';

const MIGRATIONS = [
  `CREATE TABLE action_keys (
     key_id TEXT PRIMARY KEY, public_pem TEXT NOT NULL, private_pem TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('next', 'active', 'retired')), created_at INTEGER NOT NULL,
     activated_at INTEGER);`,
];

export type KeyState = 'next' | 'active' | 'retired';

export interface HubKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly state: KeyState;
  readonly createdAt: number;
}

/** A key an agent trusts: the id the hub puts in ActionBody.keyId and the public key. */
export interface PinnedKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
}

/** `ed25519:` + the first 16 hex digits of SHA-256 over the SPKI DER of the public key. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** What an agent does with an ActionBody before `admitAction`: find the pinned key, verify. */
export function verifyActionSignature(body: ActionBody, pinned: readonly PinnedKey[]): boolean {
  const key = pinned.find((k) => k.keyId === body.keyId);
  if (!key) return false;
  try {
    const data = Buffer.from(signingPayload(body.action), 'utf8');
    return verify(null, data, createPublicKey(key.publicKeyPem), Buffer.from(body.signature, 'base64'));
  } catch {
    return false;
  }
}

interface Row {
  key_id: string;
  public_pem: string;
  private_pem: string;
  state: KeyState;
  created_at: number;
}

export type Keyring = ReturnType<typeof openKeyring>;

/** Opens the keyring in `db`, creating the first active key if there is none. */
export function openKeyring(db: DatabaseSync, now: () => number) {
  migrate(db, 'action-keys', MIGRATIONS);
  const rows = () => db.prepare('SELECT * FROM action_keys ORDER BY rowid').all() as unknown as Row[];
  const byState = (state: KeyState) => rows().find((r) => r.state === state);
  const insert = (state: KeyState): string => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const keyId = keyIdOf(publicKey);
    db.prepare(
      'INSERT INTO action_keys (key_id, public_pem, private_pem, state, created_at, activated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      keyId,
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      state,
      now(),
      state === 'active' ? now() : null,
    );
    return keyId;
  };
  if (!byState('active')) insert('active');
  let cached: { keyId: string; key: KeyObject } | undefined;

  function activeKey(): { keyId: string; key: KeyObject } {
    const row = byState('active')!;
    if (cached?.keyId !== row.key_id) cached = { keyId: row.key_id, key: createPrivateKey(row.private_pem) };
    return cached;
  }

  return {
    /** Public keys to pin on agents; `next` and `retired` included so both sides of a rotation verify. */
    list: (): HubKey[] =>
      rows().map((r) => ({
        keyId: r.key_id,
        publicKeyPem: r.public_pem,
        state: r.state,
        createdAt: r.created_at,
      })),
    activeKeyId: () => activeKey().keyId,
    sign(action: SignedAction): ActionBody {
      const { keyId, key } = activeKey();
      const signature = sign(null, Buffer.from(signingPayload(action), 'utf8'), key).toString('base64');
      return { action, signature, keyId };
    },
    /** Step 1: generate the next key (not used for signing yet) so agents can pin it. */
    stage(): string {
      const next = byState('next');
      return next ? next.key_id : insert('next');
    },
    /** Step 2, once agents pin it: the staged key signs from now on; the old one is retired. */
    activate(keyId?: string): string {
      return transaction(db, () => {
        const next = byState('next');
        if (!next || (keyId !== undefined && next.key_id !== keyId))
          throw new AppError(
            'conflict',
            keyId ? `${keyId} is not the staged key` : 'no key is staged; run stage first',
          );
        db.prepare("UPDATE action_keys SET state = 'retired' WHERE state = 'active'").run();
        db.prepare("UPDATE action_keys SET state = 'active', activated_at = ? WHERE key_id = ?").run(
          now(),
          next.key_id,
        );
        return next.key_id;
      });
    },
    /** Drops a retired key's private half: it can never sign again. */
    forget(keyId: string): void {
      const r = db
        .prepare("UPDATE action_keys SET private_pem = '' WHERE key_id = ? AND state = 'retired'")
        .run(keyId);
      if (r.changes === 0) throw new AppError('not-found', `${keyId} is not a retired key`);
    },
  };
}
