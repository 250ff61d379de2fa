// Runs one set of test cases on both SQL dialects, unchanged: SQLite in memory and a
// throwaway PostgreSQL server (Debian's packages, started by @cellfleet/testkit,
// which owns process handling for every external server), with a fresh database per case.
// Every service built on Sql uses this, so "works on PostgreSQL" is tested, not assumed.

import { after, before, describe, type TestContext } from 'node:test';
import { type Postgres, startPostgres } from '@cellfleet/testkit';
import { openPgSql } from './pg-sql.ts';
import type { Sql } from './sql.ts';
import { openSqliteSql } from './sqlite-sql.ts';

export type OpenSql = () => Promise<Sql>;

/** Defines `cases` twice, once per dialect; `open` gives each case its own empty database. */
export function onBothDialects(name: string, cases: (open: OpenSql) => void): void {
  describe(`${name} (SQLite)`, () => cases(() => openSqliteSql(':memory:')));
  describe(`${name} (PostgreSQL)`, () => {
    let server: Postgres | undefined;
    before(async () => {
      server = await startPostgres();
    });
    after(async () => {
      await server?.stop();
    });
    cases(async () => {
      if (!server) throw new Error('PostgreSQL did not start');
      return openPgSql(await server.createDatabase('svc'), 4);
    });
  });
}

export interface SharedPostgres {
  /** A fresh, empty database on the suite's server; its URL. */
  database(prefix?: string): Promise<string>;
  /** `n` handles with their own pools on one fresh database — `n` hub replicas — closed after the test. */
  replicas(t: TestContext, n: number, poolMax?: number): Promise<Sql[]>;
}

/** A suite on one throwaway PostgreSQL server, for what only several replicas can show. */
export function onSharedPostgres(name: string, cases: (pg: SharedPostgres) => void): void {
  describe(name, () => {
    let server: Postgres | undefined;
    before(async () => {
      server = await startPostgres();
    });
    after(async () => {
      await server?.stop();
    });
    const database = async (prefix = 'replicas') => {
      if (!server) throw new Error('PostgreSQL did not start');
      return server.createDatabase(prefix);
    };
    cases({
      database,
      async replicas(t, n, poolMax = 4) {
        const url = await database();
        const sqls = await Promise.all(Array.from({ length: n }, () => openPgSql(url, poolMax)));
        t.after(() => Promise.all(sqls.map((s) => s.close())));
        return sqls;
      },
    });
  });
}
