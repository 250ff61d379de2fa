// Issue 2 on Mosquitto from Debian instead of the embedded aedes: the protocol is not tied to
// one broker. The hub runs in external-broker mode with a shared subscription and generates
// mosquitto's password file and ACL from its enrollments.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import { buildTopic, type CellDetail, createEnvelope, encodeMessage, parseCellId } from '@cellfleet/protocol';
import { type Mosquitto, removeDir, tempDir, waitFor } from '@cellfleet/testkit';
import mqtt from 'mqtt';
import { type AgentProcess, enrollAgent, spawnAgent, type TestHub } from './support/hub.ts';
import { startHubOnMosquitto } from './support/mosquitto-hub.ts';

const dir = tempDir('mosq');
let broker: Mosquitto;
let hub: TestHub;
let syncBroker: () => Promise<void>;
let cell: RunningCell;
const agents: AgentProcess[] = [];

before(async () => {
  ({ hub, broker, syncBroker } = await startHubOnMosquitto(dir));
  cell = await startCell({ kind: 'kepware', name: 'press-01' });
});
after(async () => {
  await Promise.all(agents.map((a) => a.kill('SIGKILL')));
  await hub.stop();
  await broker.stop();
  await cell.stop();
  removeDir(dir);
});

async function enrollOnBroker(name: string) {
  const a = await enrollAgent(hub, {
    cell: name,
    endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
    trustServers: [cell.serverCertificate()],
  });
  await syncBroker();
  return a;
}

describe('spine on Mosquitto', () => {
  test('a cell appears online with its BuildInfo, and goes offline when its agent is killed', async () => {
    const a = await enrollOnBroker('press-01');
    const p = spawnAgent(a.configPath);
    agents.push(p);
    const c = await waitFor(
      'online via mosquitto',
      async () => {
        const s = await hub.get<CellDetail>(`/api/cells/${a.id}`);
        return s.online && s.buildInfo ? s : undefined;
      },
      30_000,
    );
    assert.equal(c.buildInfo?.softwareVersion, '6.16.1');
    await p.kill('SIGKILL');
    await waitFor('offline via mosquitto', async () =>
      (await hub.get<CellDetail>(`/api/cells/${a.id}`)).online ? undefined : true,
    );
  });

  test('the generated ACL stops cross-cell publishes and subscriptions; wrong passwords are refused', async () => {
    const a = await enrollOnBroker('cell-a');
    const b = await enrollOnBroker('cell-b');
    const c = await mqtt.connectAsync(broker.url, {
      username: a.id,
      password: a.secret,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    try {
      const mk = (cellId: string) =>
        createEnvelope({
          kind: 'health',
          id: randomUUID(),
          cell: cellId,
          ts: Date.now(),
          seq: 1,
          session: 1,
          body: { outboxDepth: 0, outboxBytes: 0, oldestAgeMs: 0, droppedForSize: 0, droppedForAge: 0 },
        });
      const own = mk(a.id);
      const forged = mk(b.id);
      await c.publishAsync(buildTopic(parseCellId(b.id)!, 'health'), Buffer.from(encodeMessage(forged)), {
        qos: 1,
      });
      await c.publishAsync(buildTopic(parseCellId(a.id)!, 'health'), Buffer.from(encodeMessage(own)), {
        qos: 1,
      });
      const ids = async (id: string) => (await hub.hub.services.cells.messageLog(id)).map((m) => m.id);
      await waitFor('own message stored', async () =>
        (await ids(a.id)).includes(own.id) ? true : undefined,
      );
      await hub.hub.ingest.flush();
      assert.ok(!(await ids(b.id)).includes(forged.id), 'the forged message never reached the store');
      // Mosquitto 2.0 grants a v3.1.1 SUBSCRIBE and applies the read ACL at delivery, so the
      // property to prove is that A never receives B's commands, while B does.
      const bTopic = buildTopic(parseCellId(b.id)!, 'cmd');
      await c.subscribeAsync(bTopic, { qos: 1 }).catch(() => []);
      const bClient = await mqtt.connectAsync(broker.url, {
        username: b.id,
        password: b.secret,
        reconnectPeriod: 0,
        protocolVersion: 4,
      });
      const hubUser = await mqtt.connectAsync(broker.url, {
        username: 'cellfleet-hub',
        password: readFileSync(join(dir, 'broker', 'hub.password'), 'utf8').trim(),
        reconnectPeriod: 0,
        protocolVersion: 4,
      });
      try {
        await bClient.subscribeAsync(bTopic, { qos: 1 });
        const seenByA: string[] = [];
        c.on('message', (topic) => seenByA.push(topic));
        const gotByB = new Promise<string>((resolve) => bClient.once('message', (topic) => resolve(topic)));
        await hubUser.publishAsync(bTopic, 'command for b', { qos: 1 });
        assert.equal(await gotByB, bTopic, 'control: B receives its own command');
        await new Promise((r) => setTimeout(r, 500));
        assert.deepEqual(seenByA, [], "A never receives B's commands");
      } finally {
        await Promise.all([bClient.endAsync(true), hubUser.endAsync(true)]);
      }
    } finally {
      await c.endAsync(true);
    }
    await assert.rejects(
      mqtt.connectAsync(broker.url, {
        username: a.id,
        password: 'wrong',
        reconnectPeriod: 0,
        protocolVersion: 4,
      }),
      /Not authorized|Bad username or password/,
    );
  });
});
