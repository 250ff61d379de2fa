// The Sql interface on node:sqlite. node:sqlite is synchronous and has one connection, but a
// service's transaction awaits between statements; so every use of the connection takes a
// turn in one queue, and a transaction holds its turn from BEGIN to COMMIT. Without the queue
// a second caller's statement would land inside someone else's open transaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { migrate, openSqlite } from './migrate.ts';
import type { Migrations, Sql, SqlValue } from './sql.ts';

export interface SqliteSql extends Sql {
  readonly dialect: 'sqlite';
  readonly db: DatabaseSync;
  /** Runs synchronous work on the connection in its turn (the cell store's batched ingest). */
  exclusive<T>(work: (db: DatabaseSync) => T): Promise<T>;
}

export async function openSqliteSql(path: string): Promise<SqliteSql> {
  return sqliteSql(await openSqlite(path), { ownsDb: true });
}

export function sqliteSql(db: DatabaseSync, opts: { ownsDb?: boolean } = {}): SqliteSql {
  const statements = new Map<string, StatementSync>();
  const prepared = (sql: string): StatementSync => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const inTx = new AsyncLocalStorage<{ open: boolean }>();
  let tail: Promise<unknown> = Promise.resolve();
  /** Waits for the connection's turn, then runs `work`; the next caller waits for this one. */
  function turn<T>(work: () => T | Promise<T>): Promise<T> {
    const mine = tail.then(work);
    tail = mine.catch(() => {});
    return mine;
  }
  /** Inside an open transaction the statement runs now; otherwise it takes a turn. */
  const statement = <T>(work: () => T): Promise<T> =>
    inTx.getStore()?.open ? Promise.resolve().then(work) : turn(work);
  const args = (params: readonly SqlValue[]) => params as SqlValue[];

  return {
    dialect: 'sqlite',
    db,
    all: <T>(sql: string, params: readonly SqlValue[] = []) =>
      statement(() => prepared(sql).all(...args(params)) as T[]),
    get: <T>(sql: string, params: readonly SqlValue[] = []) =>
      statement(() => prepared(sql).get(...args(params)) as T | undefined),
    run: (sql: string, params: readonly SqlValue[] = []) =>
      statement(() => Number(prepared(sql).run(...args(params)).changes)),
    tx<T>(fn: () => Promise<T>): Promise<T> {
      if (inTx.getStore()?.open) return fn();
      return turn(async () => {
        const state = { open: true };
        // IMMEDIATE takes the write lock at BEGIN, so another process on the same file
        // (a CLI next to a running hub) cannot slip in between a read and its write.
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await inTx.run(state, fn);
          db.exec('COMMIT');
          return out;
        } catch (err) {
          if (db.isTransaction) db.exec('ROLLBACK');
          throw err;
        } finally {
          state.open = false;
        }
      });
    },
    lock: async () => {},
    migrate: (namespace: string, steps: Migrations) => turn(() => migrate(db, namespace, steps.sqlite)),
    exclusive: <T>(work: (db: DatabaseSync) => T) => statement(() => work(db)),
    async close() {
      await turn(() => {});
      if (opts.ownsDb && db.isOpen) db.close();
    },
  };
}
