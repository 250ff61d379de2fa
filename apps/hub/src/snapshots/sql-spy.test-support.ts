// A Sql that reports every statement before running it and can slow statements down: tests
// count which tables a call touched, and widen the window in which two replicas' transactions
// could interleave, so a missing lock shows up as a failure instead of a lucky pass.
import type { Sql } from '../db/sql.ts';

export interface SpyOptions {
  /** Called with each statement's text, before it runs. */
  readonly seen?: (query: string) => void;
  /** Waits this long after each statement, still inside its transaction. */
  readonly delayMs?: number;
}

export function spySql(sql: Sql, o: SpyOptions = {}): Sql {
  const spy = async <T>(q: string, run: () => Promise<T>): Promise<T> => {
    o.seen?.(q);
    const out = await run();
    if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
    return out;
  };
  return {
    dialect: sql.dialect,
    all: (q, p) => spy(q, () => sql.all(q, p)),
    get: (q, p) => spy(q, () => sql.get(q, p)),
    run: (q, p) => spy(q, () => sql.run(q, p)),
    tx: (fn) => sql.tx(fn),
    lock: (name) => sql.lock(name),
    migrate: (ns, steps) => sql.migrate(ns, steps),
    close: () => sql.close(),
  };
}
