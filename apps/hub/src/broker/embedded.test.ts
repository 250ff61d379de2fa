import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { startEmbeddedBroker } from './embedded.ts';

const topic = (cell: string, channel: string) => `cellfleet/v1/p1/l1/${cell}/${channel}`;

/** Subscribes and collects what arrives within `ms`: the retained messages of `filter`. */
async function retainedFor(url: string, user: string, filter: string, ms = 300) {
  const c = await mqtt.connectAsync(url, { username: user, password: 'pw', protocolVersion: 4 });
  const got: Array<[string, string]> = [];
  c.on('message', (t, p, packet) => {
    if (packet.retain) got.push([t, p.toString()]);
  });
  await c.subscribeAsync(filter, { qos: 1 });
  await new Promise((r) => setTimeout(r, ms));
  await c.endAsync();
  return got.sort();
}

test('retained messages reach exact (agent) and wildcard (hub) subscriptions; an empty one clears', async () => {
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'silent' }),
    authenticate: async (username) =>
      username === 'hub' ? { kind: 'hub' } : { kind: 'agent', cellId: `p1.l1.${username}` },
  });
  const clients: MqttClient[] = [];
  try {
    const hub = await mqtt.connectAsync(broker.url, { username: 'hub', password: 'pw', protocolVersion: 4 });
    const c1 = await mqtt.connectAsync(broker.url, { username: 'c1', password: 'pw', protocolVersion: 4 });
    const c2 = await mqtt.connectAsync(broker.url, { username: 'c2', password: 'pw', protocolVersion: 4 });
    clients.push(hub, c1, c2);
    await c1.publishAsync(topic('c1', 'state'), 'c1 online', { qos: 1, retain: true });
    await c2.publishAsync(topic('c2', 'state'), 'c2 online', { qos: 1, retain: true });
    await hub.publishAsync(topic('c1', 'cmd'), 'for c1', { qos: 1, retain: true });
    await hub.publishAsync(topic('c2', 'cmd'), 'for c2', { qos: 1, retain: true });

    assert.deepEqual(await retainedFor(broker.url, 'c1', topic('c1', 'cmd')), [
      [topic('c1', 'cmd'), 'for c1'],
    ]);
    assert.deepEqual(await retainedFor(broker.url, 'hub', 'cellfleet/v1/+/+/+/state'), [
      [topic('c1', 'state'), 'c1 online'],
      [topic('c2', 'state'), 'c2 online'],
    ]);

    await hub.publishAsync(topic('c1', 'cmd'), '', { qos: 1, retain: true });
    assert.deepEqual(await retainedFor(broker.url, 'c1', topic('c1', 'cmd')), []);
    assert.deepEqual(await retainedFor(broker.url, 'c2', topic('c2', 'cmd')), [
      [topic('c2', 'cmd'), 'for c2'],
    ]);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
    await broker.close();
  }
});
