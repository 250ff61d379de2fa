// The tally command: a clean hub reports no differences; a tally damaged behind the hub's back
// is reported with --check (exit 1) and repaired without it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Snapshot } from '@cellfleet/core';
import { openCellStore } from '../cells/store.ts';
import { openHubDatabase } from '../db/open.ts';
import { memoryIo } from '../kernel/cli.test-support.ts';
import { runCommand } from '../kernel/cli.ts';
import { chunks } from './messages.test-support.ts';
import { createSnapshotService } from './service.ts';
import { enrolledSisters } from './sisters.ts';
import { openSqlSnapshotStore } from './sql-store.ts';
import { createSisterTally } from './tally.ts';
import { tallyCommand } from './tally-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-hub-tally-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const snap = (version: string): Snapshot => ({
  format: 1,
  endpoint: 'kepware',
  takenAt: Date.UTC(2026, 11, 1),
  status: { state: 'complete', nodes: 0 },
  entries: { 'server.softwareVersion': version, 'limits.maxNodesPerRead': 500 },
});

test('tally command: reports and repairs a damaged tally; --check only reports', async () => {
  const path = join(dir, 'hub.db');
  const database = await openHubDatabase({ dbPath: path });
  const store = await openSqlSnapshotStore(database.sql);
  const cells = await openCellStore(database.sql);
  const sisters = enrolledSisters(cells);
  const tally = createSisterTally({ sql: database.sql, store, directory: sisters });
  const svc = createSnapshotService({ store, sisters, tally, now: () => 1000 });
  let n = 0;
  for (const [name, version] of [
    ['press-01', '1.0.9'],
    ['press-02', '1.0.5'],
    ['press-03', '1.0.5'],
  ] as const) {
    const id = `plant.line1.${name}`;
    await cells.enroll({
      id,
      site: 'plant',
      line: 'line1',
      cell: name,
      sisterGroup: 'presses',
      secretHash: 'a'.repeat(64),
      enrolledAt: 1,
    });
    for (const m of chunks(id, snap(version), 1, () => `m-${++n}`)) await svc.ingest(m);
  }
  // Damage: press-01's deviation is forgotten (it would compare as identical).
  assert.equal(
    await database.sql.run("DELETE FROM snapshot_tally_cells WHERE cell = 'plant.line1.press-01'"),
    1,
  );
  await database.close();

  const run = async (argv: string[]) => {
    const io = memoryIo();
    const code = await runCommand('tally', tallyCommand, argv, io);
    return { code, out: io.out() };
  };
  const checked = await run(['--db', path, '--check']);
  assert.equal(checked.code, 1);
  assert.match(checked.out, /presses \/ kepware: 3 cells, 1 difference found/);
  assert.match(checked.out, /key server\.softwareVersion/);
  const repaired = await run(['--db', path]);
  assert.equal(repaired.code, 0);
  assert.match(repaired.out, /1 difference repaired/);
  const clean = await run(['--db', path, '--check', '--group', 'presses']);
  assert.equal(clean.code, 0);
  assert.match(clean.out, /the tally matches the recount/);
  assert.equal((await run(['--db', path, '--group', ''])).code, 2);
  assert.equal((await run(['--db', path, '--frobnicate'])).code, 2);
  assert.match((await run(['--help'])).out, /Recounts the sister tally/);
});
