// Runs one set of test cases on both SQL dialects, unchanged: SQLite in memory and a
// throwaway PostgreSQL server (Debian's packages, started by tests/src/support/postgres.ts,
// which owns process handling for every external server), with a fresh database per case.
// Every service built on Sql uses this, so "works on PostgreSQL" is tested, not assumed.
import { after, before, describe } from 'node:test';
import { type Postgres, startPostgres } from '../../../../tests/src/support/postgres.ts';
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
