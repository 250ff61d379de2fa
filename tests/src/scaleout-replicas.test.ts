// Issue 7 end to end: Mosquitto (Debian) + PostgreSQL (Debian) + 2 hub replicas in one MQTT
// shared-subscription group, fed by simulated agents. One replica is SIGKILLed mid-stream and
// restarted: every agent's messages are stored exactly once (seq 1..N, no gaps, no repeats),
// because an agent keeps a message until a hub acknowledges it after commit, and the store is
// idempotent by message id whichever replica writes it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeMosquittoFiles } from '@cellfleet/hub/broker/mosquitto-files';
import { openPgCellStore, type PgCellStore } from '@cellfleet/hub/cells/pg-store';
import { buildTopic, cellId, createEnvelope, encodeMessage } from '@cellfleet/protocol';
import mqtt from 'mqtt';
import { enrollFleet } from '../../apps/fleetsim/src/enroll.ts';
import { createFleet, type Fleet } from '../../apps/fleetsim/src/fleet.ts';
import type { SimCredentials } from '../../apps/fleetsim/src/sim-agent.ts';
import { removeDir, tempDir, waitFor } from './support/hub.ts';
import { type Mosquitto, startMosquitto } from './support/mosquitto.ts';
import { type Postgres, startPostgres } from './support/postgres.ts';
import { type Replica, startReplica } from './support/replica.ts';

const AGENTS = 20;
const dir = tempDir('scaleout');
let pg: Postgres;
let pgUrl: string;
let store: PgCellStore;
let broker: Mosquitto;
let agents: SimCredentials[];
let files: Awaited<ReturnType<typeof writeMosquittoFiles>>;
const replicas = new Map<string, Replica>();

const replica = async (name: string) => {
  const r = await startReplica({
    name,
    brokerUrl: broker.url,
    hubUser: files.hubUsername,
    hubPasswordFile: files.hubPasswordFile,
    pgUrl,
  });
  replicas.set(name, r);
  return r;
};

before(async () => {
  pg = await startPostgres();
  pgUrl = await pg.createDatabase('scaleout');
  store = await openPgCellStore(pgUrl, { max: 4 });
  agents = await enrollFleet(store, { agents: AGENTS });
  files = await writeMosquittoFiles(store, join(dir, 'broker'));
  broker = await startMosquitto(dir, files);
  await Promise.all([replica('a'), replica('b')]);
});
after(async () => {
  await Promise.all([...replicas.values()].map((r) => r.kill('SIGKILL')));
  await broker?.stop();
  await store?.close();
  await pg?.stop();
  removeDir(dir);
});

async function assertExactlyOnce(id: string, published: number): Promise<void> {
  const log = (await store.messageLog(id)).filter((m) => m.seq > 0);
  assert.deepEqual(
    log.map((m) => m.seq),
    Array.from({ length: published }, (_, i) => i + 1),
    `${id}: stored sequence numbers must be 1..${published} without gaps or repeats`,
  );
}

describe('scale-out: Mosquitto + PostgreSQL + 2 hub replicas', () => {
  test('a replica killed and restarted mid-stream: every message stored exactly once', async () => {
    const fleet: Fleet = createFleet({
      url: broker.url,
      agents,
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
        (await store.listCells()).every((c) => c.online) ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 1500));
      await replicas.get('a')!.kill('SIGKILL');
      const ackedAtKill = fleet.counters.acked;
      await new Promise((r) => setTimeout(r, 2000)); // b alone
      assert.ok(fleet.counters.acked > ackedAtKill, 'replica b kept acknowledging while a was down');
      await replica('a');
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
    const [a, b] = agents as [SimCredentials, SimCredentials];
    const c = await mqtt.connectAsync(broker.url, {
      username: cellId(a.ref),
      password: a.password,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
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
        (await store.messageLog(cellId(a.ref))).some((m) => m.id === own.id) ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 300));
      const bLog = await store.messageLog(cellId(b.ref));
      assert.ok(!bLog.some((m) => m.id === forged.id), 'the forged message never reached the store');
    } finally {
      await c.endAsync(true);
    }
    assert.ok(readFileSync(files.aclFile, 'utf8').includes(`user ${cellId(b.ref)}`));
  });
});
