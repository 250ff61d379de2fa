// Loading many stored bodies at once: concurrent callers share one read, and a cold load of a
// large group hands the event loop back while it parses (broker acks and keepalives run).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalSnapshot, type Snapshot } from '@cellfleet/core';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { sha256Hex } from './ingest.ts';
import { createParsedSnapshotCache } from './parsed-cache.ts';
import { spySql } from './sql-spy.test-support.ts';
import { openSqlSnapshotStore } from './sql-store.ts';
import type { StoredVersion } from './store.ts';

/** `cells` stored snapshots of `keys` Kepware-like entries each, all different. */
async function storedGroup(cells: number, keys: number) {
  const sql = await openSqliteSql(':memory:');
  const writer = await openSqlSnapshotStore(sql, { cache: createParsedSnapshotCache(1) });
  const versions: StoredVersion[] = [];
  for (let c = 0; c < cells; c++) {
    const entries: Snapshot['entries'] = {};
    for (let k = 0; k < keys; k++)
      entries[`/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device${c}/{KEPServerEX}T${k}`] = {
        class: 'Variable',
        dataType: 'Double',
        access: 'RW',
        value: k + c,
      };
    const snapshot: Snapshot = {
      format: 1,
      endpoint: 'kepware',
      takenAt: 1,
      status: { state: 'complete', nodes: keys },
      entries,
    };
    const hash = sha256Hex(canonicalSnapshot(snapshot));
    versions.push(
      await writer.addVersion({ cell: `p.l.c${c}`, endpoint: 'kepware', hash, receivedAt: 1, snapshot }),
    );
  }
  return { sql, versions };
}

test('two comparisons starting together on a cold cache read each body once', async () => {
  const { sql, versions } = await storedGroup(30, 200);
  try {
    let bodyReads = 0;
    const spied = spySql(sql, { seen: (q) => void (/FROM snapshot_bodies/.test(q) && bodyReads++) });
    const store = await openSqlSnapshotStore(spied, { cache: createParsedSnapshotCache() });
    const [a, b] = await Promise.all([store.loadMany(versions), store.loadMany(versions)]);
    assert.equal(bodyReads, 1);
    assert.equal(a.filter(Boolean).length, 30);
    assert.deepEqual(
      b.map((s) => s?.entries),
      a.map((s) => s?.entries),
    );
  } finally {
    await sql.close();
  }
});

test('a cold load of a big group lets timers run while it parses', async () => {
  const { sql, versions } = await storedGroup(60, 4000);
  try {
    const store = await openSqlSnapshotStore(sql, { cache: createParsedSnapshotCache() });
    const started = performance.now();
    let last = started;
    let maxGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 1);
    try {
      const loaded = await store.loadMany(versions);
      assert.equal(loaded.filter(Boolean).length, 60);
    } finally {
      clearInterval(ticker);
    }
    // The stretch since the last tick counts too: a load that never yields has no tick at all.
    maxGap = Math.max(maxGap, performance.now() - last);
    const took = performance.now() - started;
    assert.ok(took > 300, `the load must be long enough to tell (took ${Math.round(took)} ms)`);
    assert.ok(
      maxGap < took / 2,
      `the event loop waited ${Math.round(maxGap)} ms of a ${Math.round(took)} ms load`,
    );
  } finally {
    await sql.close();
  }
});
