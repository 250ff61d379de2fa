// Issue 12, finding 7, end to end: an enrolled agent's MQTT client publishes through the real
// embedded broker into the real ingest. Out-of-range envelope fields are refused (never stored,
// but acknowledged, so the agent's outbox does not resend them forever); a clock outside the
// hub's window is stored with the skew shown on the cell; a corrected clock clears it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { buildTopic, type CellDetail, type CellSummary, parseCellId } from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { enrollAgent, startTestHub, type TestHub } from './support/hub.ts';

let hub: TestHub;
let agent: MqttClient;
let cell = '';
const acked = new Set<string>();

before(async () => {
  hub = await startTestHub();
  const a = await enrollAgent(hub, { cell: 'clock-01', endpoints: [] });
  cell = a.id;
  agent = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, {
    username: a.id,
    password: a.secret,
    reconnectPeriod: 0,
    clientId: `agent-${randomUUID()}`,
  });
  agent.on('message', (_topic, payload) => {
    for (const id of (JSON.parse(payload.toString()) as { body: { ids: string[] } }).body.ids) acked.add(id);
  });
  await agent.subscribeAsync(buildTopic(parseCellId(cell)!, 'ack'), { qos: 1 });
});

after(async () => {
  await agent?.endAsync(true);
  await hub?.stop();
});

let seq = 0;
/** A health report with the given envelope fields, raw JSON (so out-of-range numbers go as sent). */
async function publish(fields: { ts?: number | string; seq?: number | string }): Promise<string> {
  const id = randomUUID();
  const ts = fields.ts ?? Date.now();
  const body = '{"outboxDepth":0,"outboxBytes":0,"oldestAgeMs":0,"droppedForSize":0,"droppedForAge":0}';
  const json = `{"v":"1.1","kind":"health","id":"${id}","cell":"${cell}","ts":${ts},"seq":${fields.seq ?? ++seq},"session":1,"body":${body}}`;
  await agent.publishAsync(buildTopic(parseCellId(cell)!, 'health'), json, { qos: 1 });
  await waitFor(`ack of ${id}`, () => (acked.has(id) ? true : undefined), 10_000);
  return id;
}

const stored = async () => new Set((await hub.hub.services.cells.messageLog(cell)).map((m) => m.id));
const skewOf = async () => (await hub.get<CellDetail>(`/api/cells/${cell}`)).clockSkewMs;

test('ts = 8.64e15 + 1 and seq = 1e308 are refused, acknowledged, and never stored', async () => {
  const control = await publish({});
  const badTs = await publish({ ts: '8640000000000001' });
  const badSeq = await publish({ seq: '1e308' });
  const ids = await stored();
  assert.ok(ids.has(control), 'a message within bounds is stored');
  assert.ok(!ids.has(badTs), 'ts past what a Date holds');
  assert.ok(!ids.has(badSeq), 'seq past 2^53 − 1');
  assert.equal(hub.hub.ingest.stats().rejected, 2);
});

test('a clock an hour ahead is stored with its skew on the cell; a corrected clock clears it', async () => {
  const ahead = await publish({ ts: Date.now() + 3_600_000 });
  assert.ok((await stored()).has(ahead), 'stored: nothing an agent sends is lost over its clock');
  const skew = await skewOf();
  assert.ok(skew !== undefined && Math.abs(skew - 3_600_000) < 60_000, `clockSkewMs ${skew}`);
  const row = (await hub.get<CellSummary[]>('/api/cells')).find((c) => c.id === cell);
  assert.equal(row?.clockSkewMs, skew, 'the fleet list shows it too');
  await publish({ ts: Date.now() });
  assert.equal(await skewOf(), undefined);
});

test('the largest valid ts (8.64e15) is stored, reported as skew, and the cell stays readable', async () => {
  const edge = await publish({ ts: 8.64e15 });
  assert.ok((await stored()).has(edge));
  const detail = await hub.get<CellDetail>(`/api/cells/${cell}`);
  assert.ok((detail.clockSkewMs ?? 0) > 8e15, `clockSkewMs ${detail.clockSkewMs}`);
  assert.ok(detail.lastSeen !== null && detail.lastSeen <= Date.now(), "last seen is the hub's clock");
});
