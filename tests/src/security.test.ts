// Issue 2 security: per-agent credentials and topic ACL on the embedded broker. Each refusal
// is paired with the same action done legitimately, so a broken path cannot pass as a refusal.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildTopic, createEnvelope, encodeMessage, parseCellId } from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { enrollAgent, startTestHub, type TestHub } from './support/hub.ts';

let hub: TestHub;
let a: { id: string; secret: string };
let b: { id: string; secret: string };
const clients: MqttClient[] = [];

before(async () => {
  hub = await startTestHub();
  a = await enrollAgent(hub, { cell: 'cell-a', endpoints: [] });
  b = await enrollAgent(hub, { cell: 'cell-b', endpoints: [] });
});
after(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await hub.stop();
});

function connect(username: string, password: string): Promise<MqttClient> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${hub.mqttPort}`, {
    username,
    password,
    reconnectPeriod: 0,
    protocolVersion: 4,
    clientId: `test-${randomUUID()}`,
  });
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

function healthFor(cell: string) {
  return createEnvelope({
    kind: 'health',
    id: randomUUID(),
    cell,
    ts: Date.now(),
    seq: 1,
    session: 1,
    body: { outboxDepth: 0, outboxBytes: 0, oldestAgeMs: 0, droppedForSize: 0, droppedForAge: 0 },
  });
}

const ref = (id: string) => parseCellId(id)!;
const stored = async (id: string) => (await hub.hub.services.cells.messageLog(id)).map((m) => m.id);

describe('broker security', () => {
  test('control: an agent publishing under its own cell is stored', async () => {
    const c = await connect(a.id, a.secret);
    const m = healthFor(a.id);
    await c.publishAsync(buildTopic(ref(a.id), 'health'), Buffer.from(encodeMessage(m)), { qos: 1 });
    await waitFor('own message stored', async () => ((await stored(a.id)).includes(m.id) ? true : undefined));
  });

  test("a publish under another cell's topic is refused and never stored", async () => {
    const c = await connect(a.id, a.secret);
    const forged = healthFor(b.id); // envelope and topic agree; only the ACL can stop it
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish(buildTopic(ref(b.id), 'health'), Buffer.from(encodeMessage(forged)), { qos: 1 });
    await closed; // MQTT 3.1.1 has no PUBLISH NACK: the broker drops the connection
    await hub.hub.ingest.flush();
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!(await stored(b.id)).includes(forged.id));
  });

  test("subscribing to another cell's command topic is refused; its own is granted", async () => {
    const c = await connect(a.id, a.secret);
    const [own] = await c.subscribeAsync(buildTopic(ref(a.id), 'cmd'), { qos: 1 });
    assert.equal(own?.qos, 1, 'own command topic granted');
    // mqtt.js rejects a subscribe whose SUBACK carries 0x80 (MQTT 3.1.1 §3.9.3).
    const refused = (err: { packet?: { granted?: number[] } }) => err.packet?.granted?.[0] === 128;
    await assert.rejects(c.subscribeAsync(buildTopic(ref(b.id), 'cmd'), { qos: 1 }), refused);
    await assert.rejects(c.subscribeAsync(buildTopic(ref(b.id), 'ack'), { qos: 1 }), refused);
    await assert.rejects(c.subscribeAsync('cellfleet/v1/+/+/+/cmd', { qos: 1 }), refused);
  });

  test('a wrong password, an unknown user and another agent’s secret are refused', async () => {
    await assert.rejects(connect(a.id, 'not-the-secret'), /Bad username or password|Not authorized/);
    await assert.rejects(connect('plant1.lineA.ghost', a.secret), /Bad username or password|Not authorized/);
    await assert.rejects(connect(a.id, b.secret), /Bad username or password|Not authorized/);
  });

  test('the HTTP API refuses requests without a token, and accepts the admin’s', async () => {
    const anonymous = await fetch(`${hub.hub.httpUrl}/api/cells`);
    assert.equal(anonymous.status, 401);
    const forged = await fetch(`${hub.hub.httpUrl}/api/cells`, {
      headers: { authorization: 'Bearer cft.forged' },
    });
    assert.equal(forged.status, 401);
    assert.ok((await hub.get<unknown[]>('/api/cells')).length >= 2);
    assert.equal((await fetch(`${hub.hub.httpUrl}/healthz`)).status, 200, 'health stays public');
  });

  test('an agent cannot forge an ack for itself', async () => {
    const c = await connect(b.id, b.secret);
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    const ack = createEnvelope({
      kind: 'ack',
      id: randomUUID(),
      cell: b.id,
      ts: Date.now(),
      body: { ids: ['aaaaaaaa'] },
    });
    c.publish(buildTopic(ref(b.id), 'ack'), Buffer.from(encodeMessage(ack)), { qos: 1 });
    await closed;
  });
});
