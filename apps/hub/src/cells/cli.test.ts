// Enrollment and the broker files work against PostgreSQL as the scale-out deployment
// (docs/deploy.md §2) runs them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { onSharedPostgres } from '../db/dialects.test-support.ts';
import { openHubDatabase } from '../db/open.ts';
import { memoryIo } from '../kernel/cli.test-support.ts';
import { runCommand } from '../kernel/cli.ts';
import { brokerConfigCommand, enrollCommand } from './cli.ts';
import { openCellStore } from './store.ts';

onSharedPostgres('enroll and broker-config on PostgreSQL', (pg) => {
  test('a cell enrolled with --pg-url pins the shared keys, and broker-config writes it into passwd and acl', async () => {
    const url = await pg.database('cli');
    const dir = mkdtempSync(join(tmpdir(), 'cellfleet-cli-'));
    const agentFile = join(dir, 'agent.yaml');
    const enrolled = await runCommand(
      'enroll',
      enrollCommand,
      [
        ...['--site', 'plant1', '--line', 'lineA', '--cell', 'press-01', '--group', 'presses'],
        ...['--endpoint', 'kepware=opc.tcp://10.0.1.20:49320', '--pg-url', url, '--out', agentFile],
      ],
      memoryIo(),
    );
    assert.equal(enrolled, 0);
    const config = parseYaml(readFileSync(agentFile, 'utf8')) as {
      identity: { cell: string };
      hub: { actionKeys: Array<{ keyId: string }> };
    };
    assert.equal(config.identity.cell, 'press-01');

    const database = await openHubDatabase({ pgUrl: url });
    try {
      assert.equal(
        (await (await openCellStore(database.sql)).getEnrollment('plant1.lineA.press-01'))?.sisterGroup,
        'presses',
      );
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
    assert.equal(
      await runCommand('broker-config', brokerConfigCommand, ['--out', out, '--pg-url', url], memoryIo()),
      0,
    );
    assert.match(readFileSync(join(out, 'passwd'), 'utf8'), /^plant1\.lineA\.press-01:\$7\$/m);
    assert.match(readFileSync(join(out, 'acl'), 'utf8'), /user plant1\.lineA\.press-01\n/);
  });
});
