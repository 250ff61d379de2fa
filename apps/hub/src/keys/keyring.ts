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
import { agentBuildPayload, signingPayload } from '@cellfleet/core';
import type { ActionBody, SignedAction } from '@cellfleet/protocol';
import type { Migrations, Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';

const MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE action_keys (
     key_id TEXT PRIMARY KEY, public_pem TEXT NOT NULL, private_pem TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('next', 'active', 'retired')), created_at INTEGER NOT NULL,
     activated_at INTEGER);`,
    // At most one active and one staged key, whatever a race or a hand edit tries.
    `CREATE UNIQUE INDEX action_keys_one_per_state ON action_keys (state) WHERE state IN ('next', 'active');`,
  ],
  // PostgreSQL has no rowid; the identity column of the same name keeps list() in the order
  // keys were made, with one query text for both engines.
  postgres: [
    `CREATE TABLE action_keys (
       rowid BIGINT GENERATED ALWAYS AS IDENTITY,
       key_id TEXT PRIMARY KEY, public_pem TEXT NOT NULL, private_pem TEXT NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('next', 'active', 'retired')), created_at BIGINT NOT NULL,
       activated_at BIGINT);
     CREATE UNIQUE INDEX action_keys_one_per_state ON action_keys (state) WHERE state IN ('next', 'active');`,
  ],
};

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

/** The keys an agent pins at enrollment: every key that can sign now or next (docs/actions.md, key rotation). */
export async function pinnedKeys(keyring: Pick<Keyring, 'list'>): Promise<PinnedKey[]> {
  return (await keyring.list())
    .filter((k) => k.state !== 'retired')
    .map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem }));
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

export interface Keyring {
  /** Public keys to pin on agents; `next` and `retired` included so both sides of a rotation verify. */
  list(): Promise<HubKey[]>;
  activeKeyId(): Promise<string>;
  /** Signs with the key active now, which another replica may have just rotated in. */
  sign(action: SignedAction): Promise<ActionBody>;
  /** Signs an agent build's digest and version (core's agentBuildPayload) with the active key. */
  signBuild(sha256: string, version: string): Promise<{ keyId: string; signature: string }>;
  /** Step 1: generate the next key (not used for signing yet) so agents can pin it. */
  stage(): Promise<string>;
  /** Step 2, once agents pin it: the staged key signs from now on; the old one is retired. */
  activate(keyId?: string): Promise<string>;
  /** Drops a retired key's private half: it can never sign again. */
  forget(keyId: string): Promise<void>;
}

/**
 * Opens the keyring in `sql`, creating the first active key if there is none. Key changes
 * hold the `keyring` lock, so replicas opening an empty database at once make one key.
 */
export async function openKeyring(sql: Sql, now: () => number): Promise<Keyring> {
  await sql.migrate('action-keys', MIGRATIONS);
  const rows = () => sql.all<Row>('SELECT * FROM action_keys ORDER BY rowid');
  const byState = (state: KeyState) =>
    sql.get<Row>('SELECT * FROM action_keys WHERE state = ? ORDER BY rowid LIMIT 1', [state]);
  const insert = async (state: KeyState): Promise<string> => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const keyId = keyIdOf(publicKey);
    await sql.run(
      'INSERT INTO action_keys (key_id, public_pem, private_pem, state, created_at, activated_at) VALUES (?, ?, ?, ?, ?, ?)',
      [
        keyId,
        publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        state,
        now(),
        state === 'active' ? now() : null,
      ],
    );
    return keyId;
  };
  /** Runs `fn` in a transaction holding the keyring lock; `fn` re-reads what it decides on. */
  const locked = <T>(fn: () => Promise<T>): Promise<T> =>
    sql.tx(async () => {
      await sql.lock('keyring');
      return fn();
    });

  await locked(async () => {
    if (!(await byState('active'))) await insert('active');
  });

  // Parsing a PEM costs more than reading the row, and the active key rarely changes.
  let cached: { keyId: string; key: KeyObject } | undefined;
  async function activeKey(): Promise<{ keyId: string; key: KeyObject }> {
    const row = await byState('active');
    if (!row) throw new Error('the keyring has no active key');
    if (cached?.keyId !== row.key_id) cached = { keyId: row.key_id, key: createPrivateKey(row.private_pem) };
    return cached;
  }

  return {
    list: async () =>
      (await rows()).map((r) => ({
        keyId: r.key_id,
        publicKeyPem: r.public_pem,
        state: r.state,
        createdAt: r.created_at,
      })),
    activeKeyId: async () => (await activeKey()).keyId,
    async sign(action) {
      const { keyId, key } = await activeKey();
      const signature = sign(null, Buffer.from(signingPayload(action), 'utf8'), key).toString('base64');
      return { action, signature, keyId };
    },
    async signBuild(sha256, version) {
      const { keyId, key } = await activeKey();
      const data = Buffer.from(agentBuildPayload(sha256, version), 'utf8');
      return { keyId, signature: sign(null, data, key).toString('base64') };
    },
    stage: () => locked(async () => (await byState('next'))?.key_id ?? insert('next')),
    activate: (keyId) =>
      locked(async () => {
        const next = await byState('next');
        if (!next || (keyId !== undefined && next.key_id !== keyId))
          throw new AppError(
            'conflict',
            keyId ? `${keyId} is not the staged key` : 'no key is staged; run stage first',
            { field: 'keyId' },
          );
        await sql.run("UPDATE action_keys SET state = 'retired' WHERE state = 'active'");
        await sql.run("UPDATE action_keys SET state = 'active', activated_at = ? WHERE key_id = ?", [
          now(),
          next.key_id,
        ]);
        return next.key_id;
      }),
    async forget(keyId) {
      const changed = await sql.run(
        "UPDATE action_keys SET private_pem = '' WHERE key_id = ? AND state = 'retired'",
        [keyId],
      );
      if (changed === 0) throw new AppError('not-found', `${keyId} is not a retired key`, { field: 'keyId' });
    },
  };
}
