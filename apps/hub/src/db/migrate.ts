// Versioned schema migrations for SQLite. Each hub module (cells, snapshots, actions, audit…)
// owns a namespace and an ordered list of steps; a step runs once, inside a transaction, and
// its number is recorded so a restart never re-runs it.
import type { DatabaseSync } from 'node:sqlite';

export type Migration = string | ((db: DatabaseSync) => void);

export function migrate(db: DatabaseSync, namespace: string, steps: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, version))`);
  const row = db
    .prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations WHERE namespace = ?')
    .get(namespace) as { v: number };
  let applied = 0;
  for (let version = row.v + 1; version <= steps.length; version++) {
    const step = steps[version - 1]!;
    db.exec('BEGIN IMMEDIATE');
    try {
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.prepare('INSERT INTO schema_migrations (namespace, version, applied_at) VALUES (?, ?, ?)').run(
        namespace,
        version,
        Date.now(),
      );
      db.exec('COMMIT');
      applied++;
    } catch (err) {
      db.exec('ROLLBACK');
      throw new Error(`migration ${namespace} #${version} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return applied;
}

/** Opens a database with the settings every hub store relies on. */
export async function openSqlite(path: string): Promise<DatabaseSync> {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(path);
  // WAL: readers do not block the single writer; NORMAL sync is durable across process
  // crashes in WAL mode (SQLite docs, "synchronous"); FULL is only needed against power loss.
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
  );
  return db;
}
