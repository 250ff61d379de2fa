// The snapshot store's contract, on SQLite and PostgreSQL alike: the version timeline, chunk
// assembly in any order and under duplicates, drift filters, groups and golden pins, retention,
// and what two replicas on one database must not do (a version twice, a snapshot never assembled).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { canonicalSnapshot, type Snapshot } from '@cellfleet/core';
import type { SnapshotChunkBody } from '@cellfleet/protocol';
import { onBothDialects } from '../db/dialects.test-support.ts';
import type { Sql } from '../db/sql.ts';
import { sha256Hex } from './ingest.ts';
import { createParsedSnapshotCache } from './parsed-cache.ts';
import { spySql } from './sql-spy.test-support.ts';
import { openSqlSnapshotStore } from './sql-store.ts';
import type { SnapshotStore, StoredVersion } from './store.ts';

const CELL = 'plant.line1.press-01';
const snap = (version: string, takenAt = 1_000, endpoint = 'kepware'): Snapshot => ({
  format: 1,
  endpoint,
  takenAt,
  status: { state: 'complete', nodes: 2 },
  entries: { 'server.softwareVersion': version, 'Channel1.Speed': { class: 'Variable', value: 100 } },
});
const hashOf = (s: Snapshot) => sha256Hex(canonicalSnapshot(s));
const add = (store: SnapshotStore, s: Snapshot, receivedAt: number, cell = CELL) =>
  store.addVersion({ cell, endpoint: s.endpoint, hash: hashOf(s), receivedAt, snapshot: s });
const versionOf = (hash: string): StoredVersion => ({
  id: 0,
  cell: CELL,
  endpoint: 'kepware',
  hash,
  takenAt: 0,
  receivedAt: 0,
  lastSeenAt: 0,
  status: { state: 'complete', nodes: 0 },
});
const bodyCount = async (sql: Sql) =>
  (await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM snapshot_bodies'))?.n;

function chunksOf(s: Snapshot, count: number): SnapshotChunkBody[] {
  const gz = gzipSync(canonicalSnapshot(s));
  const size = Math.ceil(gz.length / count);
  return Array.from({ length: count }, (_, index) => ({
    endpoint: s.endpoint,
    hash: hashOf(s),
    takenAt: s.takenAt,
    index,
    count,
    encoding: 'gzip+base64' as const,
    data: gz.subarray(index * size, (index + 1) * size).toString('base64'),
  }));
}

/** A fresh store on a fresh database; `fn` gets the Sql too, closed afterwards. */
const withStore =
  (open: () => Promise<Sql>, fn: (store: SnapshotStore, sql: Sql) => Promise<void>) => async () => {
    const sql = await open();
    try {
      await fn(await openSqlSnapshotStore(sql), sql);
    } finally {
      await sql.close();
    }
  };

onBothDialects('snapshot store', (open) => {
  test(
    'versions: latest, find by hash, list, endpoints; touch only moves forward',
    withStore(open, async (store) => {
      const a = snap('1.0.0', 10);
      const b = snap('1.0.1', 20);
      const first = await add(store, a, 1_000);
      await add(store, b, 2_000);
      await add(store, snap('9.9.9', 30, 'other'), 3_000);
      await add(store, a, 4_000); // back to the first content: a new version of the same body
      assert.equal((await store.latest(CELL, 'kepware'))?.receivedAt, 4_000);
      assert.equal(await store.latest(CELL, 'nope'), undefined);
      assert.deepEqual(
        (await store.listVersions(CELL, 'kepware')).map((v) => [v.hash, v.takenAt]),
        [
          [hashOf(a), 10],
          [hashOf(b), 20],
          [hashOf(a), 10],
        ],
      );
      assert.equal((await store.listVersions(CELL)).length, 4);
      assert.equal((await store.findVersion(CELL, hashOf(a), 'kepware'))?.receivedAt, 4_000);
      assert.equal(await store.findVersion(CELL, hashOf(snap('9.9.9')), 'kepware'), undefined);
      assert.equal((await store.findVersion(CELL, hashOf(snap('9.9.9'))))?.endpoint, 'other');
      assert.deepEqual(await store.endpointsOf(CELL), ['kepware', 'other']);
      assert.deepEqual(first.status, { state: 'complete', nodes: 2 });
      await store.touch(first.id, 5_000);
      await store.touch(first.id, 4_500);
      const touched = (await store.listVersions(CELL, 'kepware')).find((v) => v.id === first.id);
      assert.equal(touched?.lastSeenAt, 5_000);
      assert.equal(touched?.receivedAt, 1_000);
      const loaded = await store.load(first);
      assert.deepEqual(loaded, a);
    }),
  );

  test(
    'the same content as the latest is that version seen again, also from two replicas at once',
    withStore(open, async (store, sql) => {
      const a = snap('1.0.0');
      const v1 = await add(store, a, 1_000);
      const again = await add(store, a, 2_000);
      assert.equal(again.id, v1.id);
      assert.equal(again.lastSeenAt, 2_000);
      // Two replicas: their own caches, one database, statements slowed so their transactions overlap.
      const slow = spySql(sql, { delayMs: 30 });
      const replicas = [await openSqlSnapshotStore(slow), await openSqlSnapshotStore(slow)];
      const b = snap('1.0.1');
      const [one, two] = await Promise.all(replicas.map((r) => add(r, b, 3_000)));
      assert.equal(one?.id, two?.id);
      assert.deepEqual(
        (await store.listVersions(CELL)).map((v) => v.hash),
        [hashOf(a), hashOf(b)],
      );
      assert.equal(await bodyCount(sql), 2);
    }),
  );

  test(
    'a prune and a new version of the same body on two replicas at once: the body stays',
    withStore(open, async (store, sql) => {
      const shared = snap('1.0.0');
      await add(store, shared, 1_000, 'x');
      await add(store, snap('1.0.1'), 2_000, 'x');
      const slow = spySql(sql, { delayMs: 30 });
      const [a, b] = [await openSqlSnapshotStore(slow), await openSqlSnapshotStore(slow)];
      // x's last use of the body is pruned while y records the same content.
      await Promise.all([a.prune('x', 'kepware', { maxVersions: 1 }, 3_000), add(b, shared, 3_000, 'y')]);
      const fresh = await openSqlSnapshotStore(sql);
      const y = await fresh.latest('y', 'kepware');
      assert.deepEqual((y && (await fresh.load(y)))?.entries, shared.entries);
    }),
  );

  test(
    'sister queries: latest of many cells, bodies of many versions, endpoint counts',
    withStore(open, async (store) => {
      const cells = Array.from({ length: 620 }, (_, i) => `c${String(i).padStart(3, '0')}`); // > one batch
      for (const [i, cell] of cells.entries()) {
        await add(store, snap(`1.0.${i % 3}`), 1_000, cell);
        if (i % 2 === 0) await add(store, snap(`2.0.${i % 3}`, 50), 2_000, cell);
        if (i < 5) await add(store, snap('x', 1, 'other'), 1_000, cell);
      }
      const latest = await store.latestOf([...cells, 'unknown'], 'kepware');
      assert.deepEqual(
        latest.map((v) => v.cell),
        cells,
      );
      assert.equal(latest[2]?.hash, hashOf(snap('2.0.2')));
      assert.equal(latest[3]?.hash, hashOf(snap('1.0.0')));
      const loaded = await store.loadMany([latest[3]!, latest[2]!, { ...latest[3]!, hash: 'f'.repeat(64) }]);
      assert.deepEqual(
        loaded.map((s) => s?.entries['server.softwareVersion']),
        ['1.0.0', '2.0.2', undefined],
      );
      assert.equal(loaded[1]?.takenAt, 50);
      assert.deepEqual([...(await store.endpointCounts(cells))].sort(), [
        ['kepware', 620],
        ['other', 5],
      ]);
    }),
  );

  test(
    'loads go through the parsed cache: a body is read once while it fits, again once evicted',
    withStore(open, async (_store, sql) => {
      let bodyReads = 0;
      const counted = spySql(sql, { seen: (q) => void (q.startsWith('SELECT hash, body') && bodyReads++) });
      const cache = createParsedSnapshotCache(4); // two of these 2-key snapshots
      const store = await openSqlSnapshotStore(counted, { cache });
      const vs = [];
      for (const [i, cell] of ['c0', 'c1', 'c2'].entries())
        vs.push(await add(store, snap(`1.0.${i}`), 1_000, cell));
      assert.equal(cache.size, 2, 'adding a version caches its content, within the bound');
      const [s0, s1, s2] = await store.loadMany(vs); // c0 was evicted by c2
      assert.equal(bodyReads, 1);
      assert.deepEqual(
        [s0, s1, s2].map((s) => s?.entries['server.softwareVersion']),
        ['1.0.0', '1.0.1', '1.0.2'],
      );
      await store.load(vs[0]!);
      await store.load(vs[2]!);
      assert.equal(bodyReads, 1, 'both were held after the batch');
      await store.load(vs[1]!);
      assert.equal(bodyReads, 2, 'c1 had made room for c0');
    }),
  );

  test(
    'chunks assemble in any order, duplicates and all, once every index is there',
    withStore(open, async (store) => {
      const s = snap('1.0.0');
      const [c0, c1, c2] = chunksOf(s, 3);
      assert.equal(await store.putChunk(CELL, c2!, 1), undefined);
      assert.equal(await store.putChunk(CELL, c2!, 2), undefined);
      assert.equal(await store.putChunk(CELL, c0!, 3), undefined);
      const parts = await store.putChunk(CELL, c1!, 4);
      assert.deepEqual(parts, [c0!.data, c1!.data, c2!.data]);
      assert.deepEqual(await store.putChunk(CELL, c1!, 5), parts, 'a duplicate of a complete set');
      await store.dropChunks(CELL, 'kepware', hashOf(s));
      assert.equal(await store.putChunk(CELL, c0!, 6), undefined, 'dropped: a new set starts');
    }),
  );

  test(
    'chunks arriving at several replicas at once: exactly one of them assembles the snapshot',
    withStore(open, async (_store, sql) => {
      const slow = spySql(sql, { delayMs: 30 });
      const replicas = [await openSqlSnapshotStore(slow), await openSqlSnapshotStore(slow)];
      const chunks = chunksOf(snap('1.0.0'), 6);
      const results = await Promise.all(chunks.map((c, i) => replicas[i % 2]!.putChunk(CELL, c, i)));
      const complete = results.filter((r) => r !== undefined);
      assert.equal(complete.length, 1);
      assert.deepEqual(
        complete[0],
        chunks.map((c) => c.data),
      );
    }),
  );

  test(
    'drift: newest first, by endpoint, since a time, limited',
    withStore(open, async (store) => {
      const event = (endpoint: string, at: number) =>
        store.addDrift({
          cell: CELL,
          endpoint,
          at,
          fromHash: 'a'.repeat(64),
          toHash: 'b'.repeat(64),
          text: `${endpoint} at ${at}`,
          changes: [{ key: 'k', label: 'k', kind: 'changed', from: 1, to: 2 }],
        });
      const first = await event('kepware', 100);
      await event('other', 200);
      await event('kepware', 300);
      await store.addDrift({ ...first, cell: 'someone.else', at: 400 });
      const texts = async (o?: Parameters<SnapshotStore['listDrift']>[1]) =>
        (await store.listDrift(CELL, o)).map((e) => e.text);
      assert.deepEqual(await texts(), ['kepware at 300', 'other at 200', 'kepware at 100']);
      assert.deepEqual(await texts({ endpoint: 'kepware' }), ['kepware at 300', 'kepware at 100']);
      assert.deepEqual(await texts({ since: 200 }), ['kepware at 300', 'other at 200']);
      assert.deepEqual(await texts({ limit: 1 }), ['kepware at 300']);
      const [back] = await store.listDrift(CELL, { endpoint: 'kepware', since: 0, limit: 5 });
      assert.deepEqual(back?.changes, [{ key: 'k', label: 'k', kind: 'changed', from: 1, to: 2 }]);
      assert.equal(typeof first.id, 'number');
    }),
  );

  test(
    'groups, golden pins and group rules are replaced, not duplicated',
    withStore(open, async (store) => {
      await store.setGroup('c2', 'presses');
      await store.setGroup('c1', 'presses');
      await store.setGroup('c3', 'lathes');
      await store.setGroup('c3', 'presses');
      assert.deepEqual(await store.cellsInGroup('presses'), ['c1', 'c2', 'c3']);
      assert.deepEqual(await store.cellsInGroup('lathes'), []);
      assert.equal(await store.golden('presses', 'kepware'), undefined);
      const pin = { group: 'presses', endpoint: 'kepware', cell: 'c1', hash: 'a'.repeat(64), pinnedAt: 5 };
      await store.setGolden(pin);
      await store.setGolden({ ...pin, cell: 'c2', hash: 'b'.repeat(64), pinnedAt: 6 });
      assert.deepEqual(await store.golden('presses', 'kepware'), {
        ...pin,
        cell: 'c2',
        hash: 'b'.repeat(64),
        pinnedAt: 6,
      });
      assert.equal(await store.groupRules('presses'), undefined);
      await store.setGroupRules('presses', { ignore: ['**/Clock'] });
      await store.setGroupRules('presses', {
        ignore: ['**/Uptime'],
        tolerances: [{ match: '**/Speed', abs: 2 }],
      });
      assert.deepEqual(await store.groupRules('presses'), {
        ignore: ['**/Uptime'],
        tolerances: [{ match: '**/Speed', abs: 2 }],
      });
    }),
  );

  test(
    'prune by count and by age keeps the latest; bodies go only when nothing uses them',
    withStore(open, async (store, sql) => {
      const s = (i: number) => snap(`1.0.${i}`);
      for (let i = 0; i < 6; i++) await add(store, s(i), i * 1_000);
      await add(store, s(0), 0, 'sister'); // the sister shares body 0
      await store.setGolden({ group: 'g', endpoint: 'kepware', cell: CELL, hash: hashOf(s(1)), pinnedAt: 1 });
      assert.equal(await store.prune(CELL, 'kepware', { maxVersions: 3 }, 10_000), 3);
      assert.deepEqual(
        (await store.listVersions(CELL)).map((v) => v.hash),
        [3, 4, 5].map((i) => hashOf(s(i))),
      );
      // Body 2 is unused; 0 is the sister's, 1 is pinned.
      assert.equal(await bodyCount(sql), 5);
      const fresh = await openSqlSnapshotStore(sql); // nothing cached: reads the database
      const loads = await fresh.loadMany([0, 1, 2].map((i) => versionOf(hashOf(s(i)))));
      assert.deepEqual(
        loads.map((l) => l !== undefined),
        [true, true, false],
      );
      assert.equal(await store.prune(CELL, 'kepware', { maxAgeMs: 1_500 }, 5_000), 1);
      assert.deepEqual(
        (await store.listVersions(CELL)).map((v) => v.receivedAt),
        [4_000, 5_000],
      );
      assert.equal(await store.prune(CELL, 'kepware', { maxAgeMs: 0 }, 1e9), 1, 'the latest stays');
      assert.deepEqual(
        (await store.listVersions(CELL)).map((v) => v.receivedAt),
        [5_000],
      );
      assert.equal(await store.prune(CELL, 'kepware', { maxVersions: 0 }, 1e9), 0);
      // Re-pinning frees the body the old pin kept.
      await store.setGolden({ group: 'g', endpoint: 'kepware', cell: CELL, hash: hashOf(s(5)), pinnedAt: 2 });
      assert.equal(await bodyCount(sql), 2);
    }),
  );
});
