// Versioned schema migrations for PostgreSQL, the same shape as migrate.ts for SQLite: each
// module owns a namespace and an ordered list of steps; a step runs once, in a transaction,
// and its number is recorded. Several hub replicas may start at once, so the whole run holds
// a transaction-level advisory lock (PostgreSQL docs §13.3.5 "Advisory Locks"): the second
// replica waits, then finds the steps applied and does nothing.
import type pg from 'pg';

/** Arbitrary constant key for the migration lock; other advisory locks use other keys. */
export const MIGRATION_LOCK_KEY = 0x63656c6c; // "cell"

export async function migratePg(pool: pg.Pool, namespace: string, steps: readonly string[]): Promise<number> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at BIGINT NOT NULL,
      PRIMARY KEY (namespace, version))`);
    const r = await c.query<{ v: number }>(
      'SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations WHERE namespace = $1',
      [namespace],
    );
    const from = r.rows[0]?.v ?? 0;
    let applied = 0;
    for (let version = from + 1; version <= steps.length; version++) {
      try {
        await c.query(steps[version - 1]!);
      } catch (err) {
        throw new Error(`migration ${namespace} #${version} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await c.query('INSERT INTO schema_migrations (namespace, version, applied_at) VALUES ($1, $2, $3)', [
        namespace,
        version,
        Date.now(),
      ]);
      applied++;
    }
    await c.query('COMMIT');
    return applied;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}
