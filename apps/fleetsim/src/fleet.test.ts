// The simulator against a real hub (embedded aedes + SQLite, ports from the OS): agents come
// online, every message is acknowledged, and the store holds each agent's seq 1..N once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startHub } from '@cellfleet/hub/app';
import { cellId } from '@cellfleet/protocol';
import pino from 'pino';
import { enrollFleet } from './enroll.ts';
import { createFleet } from './fleet.ts';

test('50 simulated agents: online, acknowledged, stored exactly once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellfleet-fleetsim-'));
  const hub = await startHub({
    dbPath: join(dir, 'hub.db'),
    broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: pino({ level: 'silent' }),
  });
  const agents = await enrollFleet(hub.store, { agents: 50 });
  const fleet = createFleet({
    url: hub.mqttUrl,
    agents,
    probeIntervalMs: 200,
    snapshotIntervalMs: 500,
    healthIntervalMs: 1000,
    rampMs: 200,
  });
  try {
    fleet.start();
    await fleet.until('all connected', () => fleet.connected() === 50, 10_000);
    let online = 0;
    for (const until = Date.now() + 10_000; online < 50 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 200));
      online = (await hub.store.listCells()).filter((c) => c.online).length;
    }
    assert.equal(online, 50);
    await new Promise((r) => setTimeout(r, 1000));
    await fleet.stop();
    await hub.ingest.flush();
    assert.ok(fleet.counters.acked > 50 * 3, `acked ${fleet.counters.acked}`);
    for (const a of agents) {
      const log = (await hub.store.messageLog(cellId(a.ref))).filter((m) => m.seq > 0);
      const seqs = log.map((m) => m.seq);
      // What was acknowledged is a prefix 1..k of what was sent, each stored once.
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
      );
    }
    assert.ok(fleet.ackLatency.quantile(0.5) < 5000, 'acks arrive (a loose bound: CI machines are shared)');
  } finally {
    await fleet.stop();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
