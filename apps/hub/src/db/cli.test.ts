// The hub's commands on either database: --db / --pg-url / CELLFLEET_PG_URL are read one way
// everywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../kernel/errors.ts';
import { databaseChoice } from './cli.ts';

test('database choice: a flag wins over the variable; both flags, or a URL that is not postgres, are refused', () => {
  const env = { CELLFLEET_PG_URL: 'postgres://cellfleet@db/cellfleet' };
  assert.deepEqual(databaseChoice({}, {}), { dbPath: 'cellfleet-hub.db' });
  assert.deepEqual(databaseChoice({}, env), { pgUrl: env.CELLFLEET_PG_URL });
  assert.deepEqual(databaseChoice({ db: 'x.db' }, env), { dbPath: 'x.db' });
  assert.deepEqual(databaseChoice({ 'pg-url': 'postgresql://h/d' }, {}), { pgUrl: 'postgresql://h/d' });
  assert.throws(() => databaseChoice({ db: 'x.db', 'pg-url': 'postgres://h/d' }, {}), UsageError);
  assert.throws(() => databaseChoice({ 'pg-url': 'mysql://h/d' }, {}), /--pg-url must be a postgres/);
});
