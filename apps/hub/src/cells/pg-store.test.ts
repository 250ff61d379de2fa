// The CellStore contract on PostgreSQL: one throwaway server (Debian's packages, started by the
// test support in tests/, which owns process handling for every external server), a fresh
// database per case.
import { after, before } from 'node:test';
import { type Postgres, startPostgres } from '../../../../tests/src/support/postgres.ts';
import { openPgCellStore } from './pg-store.ts';
import { cellStoreContract } from './store.contract.ts';

let server: Postgres;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

cellStoreContract('PostgreSQL', async () => openPgCellStore(await server.createDatabase('contract')));
