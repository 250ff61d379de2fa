import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { EMITTER_CONCURRENCY, startEmbeddedBroker } from './embedded.ts';

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

interface Emitter {
  on(topic: string, handler: (message: unknown, done: () => void) => void): void;
  emit(message: { topic: string; payload: Buffer }): void;
}

// The reconnect-storm crash (bench/fleet.ts): deliveries held back while a burst of notices
// arrives, then released. aedes' default emitter limit queues the burst and drains it by
// recursion; the hub's setting never queues. Both run, so the test shows the failure is real.
test('a burst of broker notices behind slow deliveries drains without overflowing the stack', async () => {
  const { Aedes } = await import('aedes');
  async function burst(concurrency: number): Promise<'ok' | 'overflow'> {
    const broker = await Aedes.createBroker({ concurrency });
    // aedes' emitter is public at runtime (broker.mq) but not in its type declarations.
    const mq = (broker as unknown as { mq: Emitter }).mq;
    const held: Array<() => void> = [];
    try {
      mq.on('slow/#', (_m: unknown, done: () => void) => held.push(done));
      mq.on('notice/#', (_m: unknown, done: () => void) => done());
      for (let i = 0; i < 100; i++) mq.emit({ topic: `slow/${i}`, payload: Buffer.alloc(0) });
      for (let i = 0; i < 30_000; i++) mq.emit({ topic: 'notice/new', payload: Buffer.from(String(i)) });
      try {
        for (const done of held.splice(0)) done();
        return 'ok';
      } catch (err) {
        if (err instanceof RangeError) return 'overflow';
        throw err;
      }
    } finally {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    }
  }
  assert.equal(await burst(100), 'overflow', "aedes' default limit (the crash this guards against)");
  assert.equal(await burst(EMITTER_CONCURRENCY), 'ok');
});
