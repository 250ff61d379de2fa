// Issue 7 end to end: Mosquitto (Debian) + PostgreSQL (Debian) + 2 hub replicas in one MQTT
// shared-subscription group, fed by simulated agents. One replica is SIGKILLed mid-stream and
// restarted: every agent's messages are stored exactly once (seq 1..N, no gaps, no repeats),
// because an agent keeps a message until a hub acknowledges it after commit, and the store is
// idempotent by message id whichever replica writes it.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createFleet, type Fleet, type SimCredentials } from '@cellfleet/fleetsim';
import { buildTopic, cellId, createEnvelope, encodeMessage } from '@cellfleet/protocol';
import { removeDir, tempDir, waitFor } from '@cellfleet/testkit';
import { type ScaleoutRig, startScaleoutRig } from './support/scaleout.ts';

const AGENTS = 20;
const dir = tempDir('scaleout');
let rig: ScaleoutRig;

before(async () => {
  rig = await startScaleoutRig(dir, AGENTS);
  await Promise.all([rig.replica('a'), rig.replica('b')]);
});
after(async () => {
  await rig?.stop();
  removeDir(dir);
});

async function assertExactlyOnce(id: string, published: number): Promise<void> {
  const log = (await rig.store.messageLog(id)).filter((m) => m.seq > 0);
  assert.deepEqual(
    log.map((m) => m.seq),
    Array.from({ length: published }, (_, i) => i + 1),
    `${id}: stored sequence numbers must be 1..${published} without gaps or repeats`,
  );
}

describe('scale-out: Mosquitto + PostgreSQL + 2 hub replicas', () => {
  test('a replica killed and restarted mid-stream: every message stored exactly once', async () => {
    const fleet: Fleet = createFleet({
      url: rig.broker.url,
      agents: rig.agents,
      probeIntervalMs: 250,
      snapshotIntervalMs: 1000,
      keepaliveSec: 5,
      // Messages a dying replica took from the broker but never acknowledged come back soon.
      resendAfterMs: 2000,
    });
    try {
      fleet.start();
      await fleet.until('all agents connected', () => fleet.connected() === AGENTS, 15_000);
      await waitFor('all cells online in PostgreSQL', async () =>
        (await rig.store.listCells()).every((c) => c.online) ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 1500));
      await rig.replicas.get('a')!.kill('SIGKILL');
      const ackedAtKill = fleet.counters.acked;
      await new Promise((r) => setTimeout(r, 2000)); // b alone
      assert.ok(fleet.counters.acked > ackedAtKill, 'replica b kept acknowledging while a was down');
      await rig.replica('a');
      await new Promise((r) => setTimeout(r, 2000)); // both again
      fleet.quiesce();
      await fleet.until('every outbox drained', () => fleet.outbox() === 0, 30_000);
      assert.ok(fleet.counters.published > AGENTS * 20, `published ${fleet.counters.published}`);
      for (const a of fleet.agents) await assertExactlyOnce(a.id, a.sent);
    } finally {
      await fleet.stop();
    }
  });

  test('the generated ACL holds across replicas: a forged message under another cell is not stored', async () => {
    const [a, b] = rig.agents as [SimCredentials, SimCredentials];
    const c = await rig.connectAs(a);
    try {
      const health = (cell: string) =>
        createEnvelope({
          kind: 'health',
          id: randomUUID(),
          cell,
          ts: Date.now(),
          seq: 1_000_000,
          session: 99,
          body: { outboxDepth: 0, outboxBytes: 0, oldestAgeMs: 0, droppedForSize: 0, droppedForAge: 0 },
        });
      const forged = health(cellId(b.ref));
      const own = health(cellId(a.ref));
      await c.publishAsync(buildTopic(b.ref, 'health'), Buffer.from(encodeMessage(forged)), { qos: 1 });
      await c.publishAsync(buildTopic(a.ref, 'health'), Buffer.from(encodeMessage(own)), { qos: 1 });
      await waitFor('own message stored by a replica', async () =>
        (await rig.store.messageLog(cellId(a.ref))).some((m) => m.id === own.id) ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 300));
      const bLog = await rig.store.messageLog(cellId(b.ref));
      assert.ok(!bLog.some((m) => m.id === forged.id), 'the forged message never reached the store');
    } finally {
      await c.endAsync(true);
    }
    assert.ok(readFileSync(rig.files.aclFile, 'utf8').includes(`user ${cellId(b.ref)}`));
  });
});
