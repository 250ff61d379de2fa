// What a fleet-wide feed query asks of each store it reads (the change feed of issue 16): a
// time range, newest first, at most `limit` rows, and optionally only some cells.
import type { Sql, SqlValue } from './sql.ts';

export interface FeedWindow {
  /** Inclusive. */
  readonly since: number;
  /** Exclusive. */
  readonly before: number;
  /** Only these cells; undefined: every cell. */
  readonly cells?: readonly string[];
  readonly limit: number;
}

/**
 * `column` is one of `cells`, as one bound parameter whatever the list's length (a list of
 * thousands of `?` would pass SQLite's and PostgreSQL's limits on parameters): a JSON array
 * read by SQLite's json_each, a text[] for PostgreSQL's ANY.
 */
export function oneOf(
  sql: Sql,
  column: string,
  cells: readonly string[],
): { text: string; params: SqlValue[] } {
  return sql.dialect === 'postgres'
    ? { text: `${column} = ANY(?::text[])`, params: [cells as unknown as SqlValue] }
    : { text: `${column} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(cells)] };
}
