// The envelopes the hub signed and sent, by action and cell (issue 12 finding 4): a result
// settles a run only when it names the digest of one of them. Every send is signed afresh
// (its own `issuedAt`), so a run re-sent three times has three digests, all genuine.
import { createHash } from 'node:crypto';
import { envelopeDigestInput } from '@cellfleet/core';
import type { ActionBody } from '@cellfleet/protocol';
import type { Migrations, Sql } from '../db/sql.ts';

export const ENVELOPE_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE action_envelopes (
       action_id TEXT NOT NULL, cell TEXT NOT NULL, digest TEXT NOT NULL, sent_at INTEGER NOT NULL,
       PRIMARY KEY (action_id, cell, digest));`,
  ],
  postgres: [
    `CREATE TABLE action_envelopes (
       action_id TEXT NOT NULL, cell TEXT NOT NULL, digest TEXT NOT NULL, sent_at BIGINT NOT NULL,
       PRIMARY KEY (action_id, cell, digest));`,
  ],
};

/** SHA-256 (hex) of a signed body, as the agent computes it over what it received. */
export function envelopeDigest(body: ActionBody): string {
  return createHash('sha256').update(envelopeDigestInput(body), 'utf8').digest('hex');
}

export type EnvelopeStore = Awaited<ReturnType<typeof openEnvelopeStore>>;

export async function openEnvelopeStore(sql: Sql) {
  await sql.migrate('action-envelopes', ENVELOPE_MIGRATIONS);
  return {
    /** Called before the publish, so a result can never name a send the hub did not keep. */
    async sent(actionId: string, cell: string, body: ActionBody, now: number): Promise<void> {
      await sql.run(
        `INSERT INTO action_envelopes (action_id, cell, digest, sent_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (action_id, cell, digest) DO NOTHING`,
        [actionId, cell, envelopeDigest(body), now],
      );
    },
    async digests(actionId: string, cell: string): Promise<string[]> {
      const rows = await sql.all<{ digest: string }>(
        'SELECT digest FROM action_envelopes WHERE action_id = ? AND cell = ?',
        [actionId, cell],
      );
      return rows.map((r) => r.digest);
    },
  };
}
