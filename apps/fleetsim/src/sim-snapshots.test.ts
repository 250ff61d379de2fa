// A sim cell's snapshot duty against the hub's own snapshot service (SQLite, no broker): a
// full copy first, a hash while unchanged, a delta the hub can apply after drift, and a full
// copy again when a hub that lacks the content asks for it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createSnapshotService, openHubDatabase, openSqlSnapshotStore } from '@cellfleet/hub';
import type { Envelope } from '@cellfleet/protocol';
import { simBase, simConfiguration } from './sim-config.ts';
import { createSimSnapshots, type SnapshotCounters } from './sim-snapshots.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-fleetsim-snapshots-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CELL = 'sim.line-000.cell-00000';

async function hubService(name: string) {
  const db = await openHubDatabase({ dbPath: join(dir, `${name}.db`) });
  const service = createSnapshotService({ store: await openSqlSnapshotStore(db.sql) });
  return { service, close: () => db.close() };
}

test('full, hash, delta after drift, and a full copy on resend, as the hub stores them', async () => {
  const counters: SnapshotCounters = {
    snapshotsFull: 0,
    snapshotsDelta: 0,
    snapshotsHash: 0,
    resendsAnswered: 0,
  };
  const config = simConfiguration(simBase(), CELL);
  let drift = false;
  const sim = createSimSnapshots({
    cell: CELL,
    config,
    driftRate: 0.5,
    counters,
    now: Date.now,
    random: () => (drift ? 0.1 : 0.9),
  });
  const hub = await hubService('hub');
  const fresh = await hubService('fresh');
  /** Ingests what the sim sent, acknowledges what the hub may acknowledge; returns the replies. */
  async function deliver(to: typeof hub, messages: readonly Envelope[]) {
    const replies: Envelope[] = [];
    for (const m of messages) {
      const r = await to.service.ingest(m);
      if (r.ack) sim.acknowledged([m.id]);
      replies.push(...r.replies);
    }
    return replies;
  }
  try {
    const first = sim.cycle();
    assert.deepEqual(
      first.map((m) => m.kind),
      ['snapshot-chunk'],
    );
    assert.deepEqual(await deliver(hub, first), []);
    const unchanged = sim.cycle();
    assert.deepEqual(
      unchanged.map((m) => m.kind),
      ['snapshot-hash'],
    );
    await deliver(hub, unchanged);

    drift = true;
    const changed = sim.cycle();
    assert.deepEqual(
      changed.map((m) => m.kind),
      ['snapshot-delta'],
    );
    assert.deepEqual(await deliver(hub, changed), [], 'the hub applies the delta and finds its hash');
    const versions = await hub.service.versions(CELL);
    assert.equal(versions.length, 2);
    assert.deepEqual((await hub.service.snapshot(CELL, 'latest'))?.snapshot.entries, config.entries);
    assert.equal((await hub.service.drift(CELL)).length, 1);

    // A hub without this content answers the hash with snapshot-resend; the sim sends it in full.
    drift = false;
    const replies = await deliver(fresh, sim.cycle());
    assert.deepEqual(
      replies.map((m) => [m.kind, m.body]),
      [['snapshot-resend', { endpoint: 'kepware', reason: 'unknown-hash' }]],
    );
    const copy = sim.resend('kepware');
    assert.deepEqual(
      copy.map((m) => m.kind),
      ['snapshot-chunk'],
    );
    assert.deepEqual(await deliver(fresh, copy), []);
    assert.deepEqual((await fresh.service.snapshot(CELL, 'latest'))?.snapshot.entries, config.entries);
    assert.deepEqual(counters, { snapshotsFull: 2, snapshotsDelta: 1, snapshotsHash: 2, resendsAnswered: 1 });
  } finally {
    await hub.close();
    await fresh.close();
  }
});
