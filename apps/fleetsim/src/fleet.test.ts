// The simulator against a real hub (embedded aedes + SQLite, ports from the OS): agents come
// online, every message is acknowledged, and the store holds each agent's seq 1..N once; the
// hub stores every cell's synthetic snapshot, finds sisters alike, and records drift as deltas.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Hub, startHub } from '@cellfleet/hub';
import { cellId } from '@cellfleet/protocol';
import pino from 'pino';
import { enrollFleet } from './enroll.ts';
import { createFleet, type Fleet } from './fleet.ts';

async function withHub(run: (hub: Hub) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cellfleet-fleetsim-'));
  const hub = await startHub(
    {
      database: { sqlite: join(dir, 'hub.db') },
      broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
    },
    { logger: pino({ level: 'silent' }) },
  );
  try {
    await run(hub);
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What was acknowledged is a prefix 1..k of what each agent sent, each stored once. */
async function assertStoredOnce(hub: Hub, fleet: Fleet): Promise<void> {
  for (const a of fleet.agents) {
    const seqs = (await hub.services.cells.messageLog(a.id)).filter((m) => m.seq > 0).map((m) => m.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, i) => i + 1),
    );
  }
}

test('50 simulated agents: online, acknowledged, stored exactly once; sisters alike', async () => {
  await withHub(async (hub) => {
    const agents = await enrollFleet(hub.services.cells, { agents: 50 });
    const fleet = createFleet({
      url: hub.mqttUrl,
      agents,
      probeIntervalMs: 200,
      snapshotIntervalMs: 500,
      healthIntervalMs: 1000,
      rampMs: 200,
      driftRate: 0,
    });
    try {
      fleet.start();
      await fleet.until('all connected', () => fleet.connected() === 50, 10_000);
      let online = 0;
      for (const until = Date.now() + 10_000; online < 50 && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 200));
        online = (await hub.services.cells.listCells()).filter((c) => c.online).length;
      }
      assert.equal(online, 50);
      await new Promise((r) => setTimeout(r, 1000));
      await fleet.stop();
      await hub.ingest.flush();
      assert.ok(fleet.counters.acked > 50 * 3, `acked ${fleet.counters.acked}`);
      await assertStoredOnce(hub, fleet);
      // Health reports carry the agent core's link figures (issue 15).
      const healths = await Promise.all(
        agents.map(async (a) => (await hub.services.cells.getCell(cellId(a.ref)))?.health),
      );
      assert.ok(
        healths.every((h) => (h?.connects ?? 0) >= 1),
        'each health report counts its connections',
      );
      assert.ok(
        healths.some((h) => (h?.ackRttMs ?? 0) > 0),
        'and, after an interval with acks, the ack round trip',
      );
      assert.ok(fleet.ackLatency.quantile(0.5) < 5000, 'acks arrive (a loose bound: CI machines are shared)');
      // Without drift each cell has one version, and the hub finds the sisters alike.
      for (const a of agents) assert.equal((await hub.services.snapshots.versions(cellId(a.ref))).length, 1);
      const comparison = await hub.services.snapshots.compare('sim-presses');
      assert.equal(comparison.cells.length, 50);
      assert.deepEqual(comparison.rows, []);
      assert.ok(fleet.counters.snapshotsHash > 0, 'unchanged cells send their hash');
      assert.equal(fleet.counters.snapshotsDelta, 0);
    } finally {
      await fleet.stop();
    }
  });
});

test('20 agents drifting every cycle: versions, drift events and deltas at the hub, each message once', async () => {
  await withHub(async (hub) => {
    const agents = await enrollFleet(hub.services.cells, { agents: 20 });
    const fleet = createFleet({
      url: hub.mqttUrl,
      agents,
      probeIntervalMs: 1000,
      snapshotIntervalMs: 250,
      rampMs: 100,
      driftRate: 1,
    });
    try {
      fleet.start();
      await fleet.until('all connected', () => fleet.connected() === 20, 10_000);
      await fleet.until('deltas flowing', () => fleet.counters.snapshotsDelta >= 20 * 3, 15_000);
      fleet.quiesce();
      await fleet.until('every outbox drained', () => fleet.outbox() === 0, 15_000);
      await fleet.stop();
      await hub.ingest.flush();
      await assertStoredOnce(hub, fleet);
      const c = fleet.counters;
      assert.ok(c.snapshotsFull >= 20, `full ${c.snapshotsFull}`);
      assert.equal(c.resendsAnswered, 0, 'every delta applied at the hub (a wrong one is asked again)');
      let drifts = 0;
      for (const a of agents) {
        const cell = cellId(a.ref);
        const versions = await hub.services.snapshots.versions(cell);
        assert.ok(versions.length >= 2, `${cell}: ${versions.length} versions`);
        drifts += (await hub.services.snapshots.drift(cell)).length;
      }
      assert.ok(drifts >= 20, `drift events ${drifts}`);
    } finally {
      await fleet.stop();
    }
  });
});

test('a fleet quiesced before start connects with its births and first probes only, and reports again on resume', async () => {
  await withHub(async (hub) => {
    const agents = await enrollFleet(hub.services.cells, { agents: 10 });
    const fleet = createFleet({
      url: hub.mqttUrl,
      agents,
      probeIntervalMs: 200,
      snapshotIntervalMs: 60_000,
      healthIntervalMs: 200,
      rampMs: 100,
    });
    try {
      fleet.quiesce();
      fleet.start();
      await fleet.until('all connected', () => fleet.connected() === 10, 10_000);
      await new Promise((r) => setTimeout(r, 600));
      // The agent core probes once as it starts; nothing scheduled runs while quiet.
      assert.equal(fleet.counters.published, 20, 'a birth and the first probe per agent, no health');
      fleet.resume();
      await fleet.until('reports flowing', () => fleet.counters.published >= 20 + 10 * 4, 10_000);
    } finally {
      await fleet.stop();
    }
  });
});
