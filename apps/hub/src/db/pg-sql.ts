// The Sql interface on PostgreSQL (node-postgres pool). A transaction checks out one client
// and every query inside it, from any function, uses that client. BIGINT columns come back
// as numbers (node-postgres returns strings by default, to be safe past 2^53; the hub's
// integers are millisecond times, counters and ids, far below that).
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { migratePg } from './pg-migrate.ts';
import { type Migrations, numberedPlaceholders, type Sql, type SqlValue } from './sql.ts';

export interface PgSql extends Sql {
  readonly dialect: 'postgres';
  readonly pool: pg.Pool;
}

const INT8 = 20;

/** Pool options every hub module uses: int8 as number, idle errors survived. */
export function createPgPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection (database restart) must not crash the hub; the
  // next query gets a fresh connection or a rejected promise the caller handles.
  pool.on('error', () => {});
  return pool;
}

export async function openPgSql(url: string, max?: number): Promise<PgSql> {
  return pgSql(createPgPool(url, max), { ownsPool: true });
}

export function pgSql(pool: pg.Pool, opts: { ownsPool?: boolean } = {}): PgSql {
  const texts = new Map<string, string>();
  const text = (sql: string): string => {
    let t = texts.get(sql);
    if (t === undefined) {
      t = numberedPlaceholders(sql);
      texts.set(sql, t);
    }
    return t;
  };
  const inTx = new AsyncLocalStorage<{ client: pg.PoolClient; open: boolean }>();
  const query = async <T>(sql: string, params: readonly SqlValue[]) => {
    const tx = inTx.getStore();
    const on = tx?.open ? tx.client : pool;
    return on.query(text(sql), params as unknown[]) as unknown as Promise<
      pg.QueryResult<T & pg.QueryResultRow>
    >;
  };

  return {
    dialect: 'postgres',
    pool,
    all: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await query<T>(sql, params)).rows as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await query<T>(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => (await query(sql, params)).rowCount ?? 0,
    async tx<T>(fn: () => Promise<T>): Promise<T> {
      if (inTx.getStore()?.open) return fn();
      const client = await pool.connect();
      const state = { client, open: true };
      try {
        await client.query('BEGIN');
        const out = await inTx.run(state, fn);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        state.open = false;
        client.release();
      }
    },
    async lock(name: string) {
      if (!inTx.getStore()?.open) throw new Error(`lock("${name}") outside a transaction`);
      await query('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [name]);
    },
    migrate: (namespace: string, steps: Migrations) => migratePg(pool, namespace, steps.postgres),
    async close() {
      if (opts.ownsPool) await pool.end();
    },
  };
}
