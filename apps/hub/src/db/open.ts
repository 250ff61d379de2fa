// Opens the hub's database: one SQLite file (a single hub) or a PostgreSQL database (several
// stateless replicas). Everything the hub keeps lives in the one place chosen here — cells and
// their messages, users and sessions, the audit chain, actions and signing keys, snapshots —
// so any replica can serve any request.
import { type PgCellStore, pgCellStore } from '../cells/pg-store.ts';
import { sqliteCellStore } from '../cells/sqlite-store.ts';
import type { CellStore } from '../cells/store.ts';
import { createPgPool, type PgSql, pgSql } from './pg-sql.ts';
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
  readonly cells: CellStore;
  /** Set on PostgreSQL: the pool, for advisory locks and LISTEN/NOTIFY. */
  readonly pg?: { readonly sql: PgSql; readonly cells: PgCellStore };
  /** Where the data is, for log lines (the URL without its password). */
  readonly where: string;
  close(): Promise<void>;
}

export const DEFAULT_DB = 'cellfleet-hub.db';

export async function openHubDatabase(choice: DatabaseChoice): Promise<HubDatabase> {
  if (choice.pgUrl) {
    const pool = createPgPool(choice.pgUrl, choice.poolMax ?? 10);
    try {
      const sql = pgSql(pool);
      const cells = await pgCellStore(pool);
      return { sql, cells, pg: { sql, cells }, where: redact(choice.pgUrl), close: () => pool.end() };
    } catch (err) {
      await pool.end().catch(() => {});
      throw err;
    }
  }
  const path = choice.dbPath ?? DEFAULT_DB;
  const sql = await openSqliteSql(path);
  const cells = await sqliteCellStore(sql);
  return { sql, cells, where: path, close: () => sql.close() };
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
