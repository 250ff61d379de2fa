// The flags every command that opens the hub's database takes: --db FILE (SQLite) or
// --pg-url URL (PostgreSQL, also from CELLFLEET_PG_URL).
import { UsageError } from '../kernel/errors.ts';
import { type DatabaseChoice, DEFAULT_DB, type HubDatabase, openHubDatabase } from './open.ts';

export const DATABASE_FLAGS = {
  db: { type: 'string' },
  'pg-url': { type: 'string' },
} as const;

export const DATABASE_HELP = `  --db FILE                 SQLite database (default ./cellfleet-hub.db)
  --pg-url URL              PostgreSQL instead, shared by hub replicas (or set CELLFLEET_PG_URL);
                            keep the password in ~/.pgpass or PGPASSWORD, not in the URL
`;

/** SQLite or PostgreSQL, from --db / --pg-url / CELLFLEET_PG_URL; an explicit flag wins over the variable. */
export function databaseChoice(
  v: { db?: string | undefined; 'pg-url'?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
): DatabaseChoice {
  if (v.db !== undefined && v['pg-url'] !== undefined)
    throw new UsageError('--db and --pg-url are alternatives: give one of them');
  if (v.db !== undefined) return { dbPath: v.db };
  const pgUrl = v['pg-url'] ?? env['CELLFLEET_PG_URL'];
  if (pgUrl === undefined || pgUrl === '') return { dbPath: DEFAULT_DB };
  if (!/^postgres(ql)?:\/\//.test(pgUrl))
    throw new UsageError(`--pg-url must be a postgres:// or postgresql:// URL, got "${pgUrl.slice(0, 40)}"`, {
      field: 'pg-url',
    });
  return { pgUrl };
}

/** Opens the database the flags name, runs `work` on it and closes it whatever happens. */
export async function withDatabase<T>(
  v: { db?: string | undefined; 'pg-url'?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  work: (db: HubDatabase) => Promise<T>,
): Promise<T> {
  const db = await openHubDatabase(databaseChoice(v, env));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
