// A PostgreSQL advisory lock around one piece of work, for things only one hub replica may do
// at a time (the maintenance-window scheduler's tick). pg_try_advisory_lock never waits: a
// replica that does not get the lock skips this round, and the next interval tries again.
// Session-level locks are released by pg_advisory_unlock or when the session ends, so a
// replica killed mid-tick frees the lock as soon as PostgreSQL notices its connection closed
// (PostgreSQL docs §13.3.5 "Advisory Locks", §9.27.10 "Advisory Lock Functions").
import type pg from 'pg';

/** Key of the action scheduler's lock (arbitrary; distinct from MIGRATION_LOCK_KEY). */
export const SCHEDULER_LOCK_KEY = 0x73636864; // "schd"

/** Runs `work` if this replica gets the lock; resolves to undefined when another holds it. */
export async function withTryAdvisoryLock<T>(
  pool: pg.Pool,
  key: number,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const c = await pool.connect();
  try {
    const r = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
    if (!r.rows[0]?.ok) return undefined;
    try {
      return await work();
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    c.release();
  }
}
