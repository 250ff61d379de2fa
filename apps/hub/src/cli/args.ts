// Command-line parsing shared by the hub's commands: node:util parseArgs in strict mode, with
// errors rewritten to name the flag, and exit code 2 for bad usage.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type DatabaseChoice, DEFAULT_DB } from '../store/open.ts';

export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
  positionals = false,
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^.*?: /, ''));
  }
}

export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = 65535,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** The flags every command that opens the hub's database takes. */
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
  env: NodeJS.ProcessEnv = process.env,
): DatabaseChoice {
  if (v.db !== undefined && v['pg-url'] !== undefined)
    throw new UsageError('--db and --pg-url are alternatives: give one of them');
  if (v.db !== undefined) return { dbPath: v.db };
  const pgUrl = v['pg-url'] ?? env['CELLFLEET_PG_URL'];
  if (pgUrl === undefined || pgUrl === '') return { dbPath: DEFAULT_DB };
  if (!/^postgres(ql)?:\/\//.test(pgUrl))
    throw new UsageError(`--pg-url must be a postgres:// or postgresql:// URL, got "${pgUrl.slice(0, 40)}"`);
  return { pgUrl };
}
