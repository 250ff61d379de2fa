// The snapshot service over the store: ingest of each message kind, drift, retention, diff and
// the sister comparison, on SQLite and PostgreSQL; two replicas handling one message; the
// parsed-body cache sparing the comparison its body reads; and the compare command.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeDelta, type Snapshot } from '@cellfleet/core';
import { createEnvelope, type Envelope } from '@cellfleet/protocol';
import { openCellStore } from '../cells/store.ts';
import { onBothDialects } from '../db/dialects.test-support.ts';
import { openHubDatabase } from '../db/open.ts';
import type { Sql } from '../db/sql.ts';
import { memoryIo } from '../kernel/cli.test-support.ts';
import { runCommand } from '../kernel/cli.ts';
import { compareCommand } from './cli.ts';
import { chunks as chunksOf, hashOf } from './messages.test-support.ts';
import { createSnapshotService } from './service.ts';
import { spySql } from './sql-spy.test-support.ts';
import { openSqlSnapshotStore } from './sql-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-hub-snapshots-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const id = () => `m-${String(++n).padStart(8, '0')}`;
const CELL = 'plant.line1.press-01';
const snap = (version: string, extra: Snapshot['entries'] = {}): Snapshot => ({
  format: 1,
  endpoint: 'kepware',
  takenAt: Date.UTC(2026, 10, 24, 2, 14),
  status: { state: 'complete', nodes: 0 },
  entries: { 'server.softwareVersion': version, ...extra },
});
const chunks = (cell: string, s: Snapshot, pieces = 3) => chunksOf(cell, s, pieces, id);

const delta = (cell: string, from: Snapshot, to: Snapshot): Envelope =>
  createEnvelope({
    kind: 'snapshot-delta',
    id: id(),
    cell,
    ts: 1,
    body: {
      endpoint: 'kepware',
      hash: hashOf(to),
      baseHash: hashOf(from),
      takenAt: to.takenAt,
      status: { state: 'complete', nodes: 0 },
      ops: makeDelta(from, to).ops,
    },
  });

/** A case on a fresh database: the Sql is closed afterwards. */
const withSql = (open: () => Promise<Sql>, fn: (sql: Sql) => Promise<void>) => async () => {
  const sql = await open();
  try {
    await fn(sql);
  } finally {
    await sql.close();
  }
};

onBothDialects('snapshot service', (open) => {
  test(
    'chunks reassemble out of order; unknown hash and missing base ask for a resend',
    withSql(open, async (sql) => {
      const store = await openSqlSnapshotStore(sql);
      const svc = createSnapshotService({ store, now: () => 1000, newId: id });
      const a = snap('6.16.1');
      const unknown = await svc.ingest(
        createEnvelope({
          kind: 'snapshot-hash',
          id: id(),
          cell: CELL,
          ts: 1,
          body: { endpoint: 'kepware', hash: hashOf(a), takenAt: 1 },
        }),
      );
      assert.deepEqual(
        unknown.replies.map((r) => [r.kind, r.body]),
        [['snapshot-resend', { endpoint: 'kepware', reason: 'unknown-hash' }]],
      );
      const parts = chunks(CELL, a);
      for (const m of [parts[2]!, parts[0]!]) assert.equal((await svc.ingest(m)).stored, undefined);
      const done = await svc.ingest(parts[1]!);
      assert.equal(done.stored?.hash, hashOf(a));
      const b = snap('6.14.263');
      const d = makeDelta(a, b);
      /** b as a delta on a base, claiming `hash` (tests name a wrong base or hash on purpose). */
      const delta = (hash: string, baseHash: string) =>
        createEnvelope({
          kind: 'snapshot-delta',
          id: id(),
          cell: CELL,
          ts: 1,
          body: {
            endpoint: 'kepware',
            hash,
            baseHash,
            takenAt: b.takenAt,
            status: { state: 'complete', nodes: 0 },
            ops: d.ops,
          },
        });
      const missing = await svc.ingest(delta(hashOf(b), 'f'.repeat(64)));
      assert.equal(missing.replies[0]?.body.reason, 'missing-base');
      const bad = await svc.ingest(delta('e'.repeat(64), hashOf(a)));
      assert.equal(bad.replies[0]?.body.reason, 'hash-mismatch');
      const ok = await svc.ingest(delta(hashOf(b), hashOf(a)));
      assert.equal(ok.drift?.text, 'softwareVersion changed 6.16.1 → 6.14.263 at 2026-11-24 02:14 UTC');
      // Back to the first content: the hub knows it, so a hash is enough and it is a new version.
      const back = await svc.ingest(
        createEnvelope({
          kind: 'snapshot-hash',
          id: id(),
          cell: CELL,
          ts: 1,
          body: { endpoint: 'kepware', hash: hashOf(a), takenAt: 5 },
        }),
      );
      assert.equal(back.replies.length, 0);
      assert.match(back.drift?.text ?? '', /6\.14\.263 → 6\.16\.1/);
      assert.equal((await svc.versions(CELL)).length, 3);
      assert.equal(
        (
          await svc.ingest(
            createEnvelope({ kind: 'ack', id: id(), cell: CELL, ts: 1, body: { ids: ['abcdefgh'] } }),
          )
        ).handled,
        false,
      );
    }),
  );

  test(
    'retention keeps the newest versions; diff of any two',
    withSql(open, async (sql) => {
      const store = await openSqlSnapshotStore(sql);
      const svc = createSnapshotService({ store, now: () => 1000, newId: id, retention: { maxVersions: 3 } });
      for (let v = 0; v < 6; v++) for (const m of chunks(CELL, snap(`1.0.${v}`), 1)) await svc.ingest(m);
      const versions = await svc.versions(CELL);
      assert.deepEqual(
        versions.map((v) => v.hash),
        [3, 4, 5].map((v) => hashOf(snap(`1.0.${v}`))),
      );
      const d = await svc.diff(CELL, versions[0]!.hash.slice(0, 12), 'latest');
      assert.deepEqual(
        d?.diff.changed.map((c) => [c.from, c.to]),
        [['1.0.3', '1.0.5']],
      );
    }),
  );

  test(
    'one message handled by two replicas at once: one version, one drift event',
    withSql(open, async (sql) => {
      // Statements slowed so the two replicas' transactions overlap (see sql-spy.test-support.ts).
      const slow = spySql(sql, { delayMs: 20 });
      const replicas = [await openSqlSnapshotStore(slow), await openSqlSnapshotStore(slow)].map((store) =>
        createSnapshotService({ store, now: () => 1000, newId: id }),
      );
      const a = snap('1.0.0');
      const b = snap('1.0.1');
      for (const m of chunks(CELL, a)) await replicas[0]!.ingest(m);
      const m = delta(CELL, a, b);
      const results = await Promise.all(replicas.map((r) => r.ingest(m)));
      assert.deepEqual(
        results.map((r) => [r.ack, r.stored?.hash]),
        [
          [true, hashOf(b)],
          [true, hashOf(b)],
        ],
      );
      assert.equal(results.filter((r) => r.drift).length, 1);
      assert.equal((await replicas[1]!.versions(CELL)).length, 2);
      assert.equal((await replicas[1]!.drift(CELL)).length, 1);
    }),
  );

  test(
    'a preload (or the first comparison) reads sister bodies in one query; comparisons after it none',
    withSql(open, async (sql) => {
      const cells = Array.from({ length: 30 }, (_, i) => `plant.line1.press-${String(i).padStart(2, '0')}`);
      const ingest = createSnapshotService({
        store: await openSqlSnapshotStore(sql),
        now: () => 1000,
        newId: id,
      });
      for (const [i, cell] of cells.entries()) {
        for (const m of chunks(cell, snap(i === 7 ? '1.0.1' : '1.0.0', { serial: cell }), 1))
          await ingest.ingest(m);
        await ingest.assignGroup(cell, 'presses');
      }
      // Another replica: nothing parsed yet; count the statements that read bodies.
      let bodyReads = 0;
      const counted = spySql(sql, { seen: (q) => void (/snapshot_bodies/.test(q) && bodyReads++) });
      const svc = createSnapshotService({
        store: await openSqlSnapshotStore(counted),
        now: () => 1000,
        newId: id,
      });
      assert.equal(await svc.preload('presses'), 30, 'what a hub start loads in the background');
      assert.equal(bodyReads, 1);
      const first = await svc.compare('presses');
      assert.equal(bodyReads, 1, 'the first comparison after the preload parsed nothing');
      assert.deepEqual(
        first.rows.find((r) => r.key === 'server.softwareVersion')?.outliers.map((o) => o.cell),
        [cells[7]],
      );
      const second = await svc.compare('presses');
      assert.equal(bodyReads, 1, 'the second comparison parsed nothing again');
      assert.deepEqual(second, first);
    }),
  );
});

test('compare CLI: a report of the cells enrolled in a group, from the hub database', async () => {
  const path = join(dir, 'hub.db');
  const database = await openHubDatabase({ dbPath: path });
  const svc = createSnapshotService({
    store: await openSqlSnapshotStore(database.sql),
    now: () => 1000,
    newId: id,
  });
  const cells = await openCellStore(database.sql);
  for (const [name, version] of [
    ['press-01', '1.0.9'],
    ['press-02', '1.0.5'],
    ['press-03', '1.0.5'],
  ] as const) {
    await cells.enroll({
      id: `plant.line1.${name}`,
      site: 'plant',
      line: 'line1',
      cell: name,
      sisterGroup: 'presses',
      secretHash: 'a'.repeat(64),
      enrolledAt: 1,
    });
    for (const m of chunks(`plant.line1.${name}`, snap(version), 1)) await svc.ingest(m);
  }
  await database.close();
  const file = join(dir, 'report.html');
  const compare = (argv: string[]) => runCommand('compare', compareCommand, argv, memoryIo());
  const code = await compare(['presses', '--db', path, '--format', 'html', '--out', file]);
  assert.equal(code, 0);
  assert.match(
    readFileSync(file, 'utf8'),
    /plant\.line1\.press-01: softwareVersion 1\.0\.9; 2 of 3 sisters have 1\.0\.5/,
  );
  assert.equal(await compare(['--db', path]), 2, 'no group');
  assert.equal(await compare(['presses', '--db', path, '--pg-url', 'postgres://h/db']), 2);
  assert.equal(await compare(['presses', '--db', path, '--format', 'pdf']), 2);
  assert.equal(await compare(['lathes', '--db', path]), 1, 'nothing to compare');
});
