// Opens the hub's database: one SQLite file (a single hub) or a PostgreSQL database (several
// stateless replicas). Everything the hub keeps lives in the one place chosen here — cells and
// their messages, users and sessions, the audit chain, actions and signing keys, snapshots —
// so any replica can serve any request. Each feature migrates its own tables when it opens.
import type pg from 'pg';
import { openPgSql } from './pg-sql.ts';
import type { Sql } from './sql.ts';
import { openSqliteSql } from './sqlite-sql.ts';

export interface DatabaseChoice {
  /** SQLite file (default ./cellfleet-hub.db) when no PostgreSQL URL is given. */
  readonly dbPath?: string;
  /** PostgreSQL connection URL; the password belongs in ~/.pgpass or PGPASSWORD. */
  readonly pgUrl?: string;
  /** PostgreSQL pool size (default 10). */
  readonly poolMax?: number;
}

export interface HubDatabase {
  readonly sql: Sql;
  /** Set on PostgreSQL: the pool, for the scheduler's try-lock and LISTEN/NOTIFY. */
  readonly pool?: pg.Pool;
  /** Where the data is, for log lines (the URL without its password). */
  readonly where: string;
  close(): Promise<void>;
}

export const DEFAULT_DB = 'cellfleet-hub.db';

export async function openHubDatabase(choice: DatabaseChoice): Promise<HubDatabase> {
  if (choice.pgUrl) {
    const sql = await openPgSql(choice.pgUrl, choice.poolMax ?? 10);
    return { sql, pool: sql.pool, where: redact(choice.pgUrl), close: () => sql.close() };
  }
  const path = choice.dbPath ?? DEFAULT_DB;
  const sql = await openSqliteSql(path);
  return { sql, where: path, close: () => sql.close() };
}

/** postgres://user:secret@host/db → postgres://user:***@host/db */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
