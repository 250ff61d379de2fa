// The last failing probe capture per cell, endpoint and client (issue 17): pcapng the agent
// uploads when a probe fails, offered for download on the cell page. Retention is bounded by
// the key: one file per endpoint and client, the newest wins; the size by the message schema
// (MAX_CAPTURE_BYTES). Its own migration namespace.
import type { CaptureBody, CaptureInfo } from '@cellfleet/protocol';
import type { Migrations, Sql } from '../db/sql.ts';
import type { KindHandler } from '../ingest/router.ts';

export const CAPTURE_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE captures (cell_id TEXT NOT NULL, endpoint TEXT NOT NULL, client TEXT NOT NULL,
       at INTEGER NOT NULL, code TEXT NOT NULL, bytes INTEGER NOT NULL, pcapng TEXT NOT NULL,
       PRIMARY KEY (cell_id, endpoint, client))`,
  ],
  postgres: [
    `CREATE TABLE captures (cell_id TEXT NOT NULL, endpoint TEXT NOT NULL, client TEXT NOT NULL,
       at BIGINT NOT NULL, code TEXT NOT NULL, bytes BIGINT NOT NULL, pcapng TEXT NOT NULL,
       PRIMARY KEY (cell_id, endpoint, client))`,
  ],
};

export interface CaptureStore {
  keep(cell: string, body: CaptureBody): Promise<void>;
  list(cell: string): Promise<CaptureInfo[]>;
  /** The pcapng bytes; undefined when none is stored. */
  get(cell: string, endpoint: string, client?: string): Promise<Uint8Array | undefined>;
}

export async function openCaptureStore(sql: Sql): Promise<CaptureStore> {
  await sql.migrate('captures', CAPTURE_MIGRATIONS);
  return {
    async keep(cell, b) {
      const bytes = Buffer.from(b.pcapng, 'base64');
      await sql.run(
        `INSERT INTO captures (cell_id, endpoint, client, at, code, bytes, pcapng) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (cell_id, endpoint, client) DO UPDATE SET at = excluded.at, code = excluded.code,
           bytes = excluded.bytes, pcapng = excluded.pcapng
         WHERE excluded.at >= captures.at`,
        [cell, b.endpoint, b.client ?? '', b.at, b.code, bytes.length, b.pcapng],
      );
    },
    async list(cell) {
      const rows = await sql.all<Record<string, unknown>>(
        'SELECT endpoint, client, at, code, bytes FROM captures WHERE cell_id = ? ORDER BY endpoint, client',
        [cell],
      );
      return rows.map((r) => ({
        endpoint: String(r['endpoint']),
        ...(r['client'] ? { client: String(r['client']) } : {}),
        at: Number(r['at']),
        code: String(r['code']),
        bytes: Number(r['bytes']),
      }));
    },
    async get(cell, endpoint, client) {
      const r = await sql.get<Record<string, unknown>>(
        'SELECT pcapng FROM captures WHERE cell_id = ? AND endpoint = ? AND client = ?',
        [cell, endpoint, client ?? ''],
      );
      return r ? Buffer.from(String(r['pcapng']), 'base64') : undefined;
    },
  };
}

/** The ingest row for `capture` messages: kept before the ack, like a snapshot's content. */
export function captureHandlers(store: CaptureStore) {
  const keep: KindHandler<'capture'> = { owner: 'cells', beforeAck: (m) => store.keep(m.cell, m.body) };
  return { capture: [keep] } as const;
}
