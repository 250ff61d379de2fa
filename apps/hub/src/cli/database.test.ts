// The hub's commands on either database: --db / --pg-url / CELLFLEET_PG_URL are read one way
// everywhere, and enrollment plus the broker files work against PostgreSQL as the scale-out
// deployment (docs/deploy.md §2) runs them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { onSharedPostgres } from '../store/dialects.test-support.ts';
import { openHubDatabase } from '../store/open.ts';
import { databaseChoice, UsageError } from './args.ts';
import { brokerConfigCommand } from './broker-config.ts';
import { enrollCommand } from './enroll.ts';

test('database choice: a flag wins over the variable; both flags, or a URL that is not postgres, are refused', () => {
  const env = { CELLFLEET_PG_URL: 'postgres://cellfleet@db/cellfleet' };
  assert.deepEqual(databaseChoice({}, {}), { dbPath: 'cellfleet-hub.db' });
  assert.deepEqual(databaseChoice({}, env), { pgUrl: env.CELLFLEET_PG_URL });
  assert.deepEqual(databaseChoice({ db: 'x.db' }, env), { dbPath: 'x.db' });
  assert.deepEqual(databaseChoice({ 'pg-url': 'postgresql://h/d' }, {}), { pgUrl: 'postgresql://h/d' });
  assert.throws(() => databaseChoice({ db: 'x.db', 'pg-url': 'postgres://h/d' }, {}), UsageError);
  assert.throws(() => databaseChoice({ 'pg-url': 'mysql://h/d' }, {}), /--pg-url must be a postgres/);
});

onSharedPostgres('enroll and broker-config on PostgreSQL', (pg) => {
  test('a cell enrolled with --pg-url pins the shared keys, and broker-config writes it into passwd and acl', async () => {
    const url = await pg.database('cli');
    const dir = mkdtempSync(join(tmpdir(), 'cellfleet-cli-'));
    const agentFile = join(dir, 'agent.yaml');
    const enrolled = await enrollCommand([
      ...['--site', 'plant1', '--line', 'lineA', '--cell', 'press-01', '--group', 'presses'],
      ...['--endpoint', 'kepware=opc.tcp://10.0.1.20:49320', '--pg-url', url, '--out', agentFile],
    ]);
    assert.equal(enrolled, 0);
    const config = parseYaml(readFileSync(agentFile, 'utf8')) as {
      identity: { cell: string };
      hub: { actionKeys: Array<{ keyId: string }> };
    };
    assert.equal(config.identity.cell, 'press-01');

    const database = await openHubDatabase({ pgUrl: url });
    try {
      assert.equal((await database.cells.getEnrollment('plant1.lineA.press-01'))?.sisterGroup, 'presses');
      const keys = await database.sql.all<{ key_id: string }>(
        "SELECT key_id FROM action_keys WHERE state = 'active'",
      );
      assert.deepEqual(
        config.hub.actionKeys.map((k) => k.keyId),
        keys.map((k) => k.key_id),
        'the agent pins the key the replicas sign with',
      );
    } finally {
      await database.close();
    }

    const out = join(dir, 'broker');
    assert.equal(await brokerConfigCommand(['--out', out, '--pg-url', url]), 0);
    assert.match(readFileSync(join(out, 'passwd'), 'utf8'), /^plant1\.lineA\.press-01:\$7\$/m);
    assert.match(readFileSync(join(out, 'acl'), 'utf8'), /user plant1\.lineA\.press-01\n/);
  });
});
