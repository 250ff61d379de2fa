// One small SQL interface for the hub's services, with two drivers: SQLite (node:sqlite, one
// process) and PostgreSQL (several replicas). Services write plain SQL with `?` placeholders
// in the subset both engines share (ON CONFLICT, RETURNING, LIMIT ?), so one service file
// runs on either; only schema migrations are written per dialect.
//
// Transactions follow the caller: inside `tx(fn)`, every query through the same Sql, from any
// function `fn` calls, joins that transaction (tracked with AsyncLocalStorage). A state change
// and its audit record therefore commit together without threading a handle through every
// call, the way the hub's SQLite code nested transactions before PostgreSQL arrived.
import type { DatabaseSync } from 'node:sqlite';

export type SqlValue = string | number | bigint | null | Uint8Array;
export type Dialect = 'sqlite' | 'postgres';

/** Schema steps for one module, per dialect; each list is versioned on its own. */
export interface Migrations {
  readonly sqlite: readonly (string | ((db: DatabaseSync) => void))[];
  readonly postgres: readonly string[];
}

export interface Sql {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Called inside a transaction, `fn` joins the outer one.
   */
  tx<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits until no other transaction holds `name`, and holds it until
   * this one ends. PostgreSQL: a transaction-level advisory lock, so replicas take turns on
   * one audit chain or one action. SQLite: writers are serialized already (a no-op).
   */
  lock(name: string): Promise<void>;
  migrate(namespace: string, steps: Migrations): Promise<number>;
  close(): Promise<void>;
}

/** Rewrites `?` placeholders (outside quoted text) as PostgreSQL's `$1, $2, …`. */
export function numberedPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

/** `?, ?, ?` for an IN list of `n` values. */
export const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
