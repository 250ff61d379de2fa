// Issue 12, finding 2, end to end: a password spray against a real hub (embedded aedes, SQLite,
// production scrypt cost) while simulated agents — the real agent core, over MQTT — publish
// through its broker. Measured twice in the same run, without and with the flood: the agents'
// publish→ack latency and /healthz must stay within 5× + 200 ms of the quiet figures.
//
// The spray comes through a trusted proxy (http.trustProxy) from a new client address and a
// new name on every request, so neither the per-address limit nor the account lock can turn
// it away early: every attempt that gets in costs a real scrypt, and what keeps the hub
// responsive is hashing off the event loop and the gate's bound on checks in flight. Before
// this, 8 concurrent bad logins froze /healthz for 5.9 s.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createFleet, enrollFleet, type Fleet } from '@cellfleet/fleetsim';
import { startTestHub, type TestHub } from './support/hub.ts';

const AGENTS = 4;
const PHASE_MS = 4000;
// More than the hash gate holds (1 hashing + 16 waiting), so it must turn some away.
const SPRAYERS = 24;
let hub: TestHub;
let fleet: Fleet;

before(async () => {
  hub = await startTestHub({ http: { trustProxy: ['127.0.0.1'] } });
  const agents = await enrollFleet(hub.hub.services.cells, { agents: AGENTS, hubUrl: hub.hub.mqttUrl });
  fleet = createFleet({
    url: hub.hub.mqttUrl,
    agents,
    probeIntervalMs: 200,
    snapshotIntervalMs: 3_600_000,
    healthIntervalMs: 200,
    keepaliveSec: 5,
  });
  fleet.start();
  await fleet.until('every agent online', () => fleet.connected() === AGENTS, 20_000);
});

after(async () => {
  await fleet?.stop();
  await hub?.stop();
});

interface Phase {
  ackP95: number;
  acks: number;
  healthP95: number;
  healthMax: number;
  checks: number;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] ?? Number.NaN;

/**
 * Agents' publish→ack latency and /healthz round trips for at least `ms`, and on until `enough`
 * holds (at most a minute): on a loaded machine one scrypt can take seconds.
 */
async function measure(ms: number, enough: () => boolean = () => true): Promise<Phase> {
  fleet.ackLatency.reset();
  const health: number[] = [];
  const start = Date.now();
  while (Date.now() - start < ms || (!enough() && Date.now() - start < 60_000)) {
    const t0 = performance.now();
    const r = await fetch(`${hub.hub.httpUrl}/healthz`);
    await r.arrayBuffer();
    assert.equal(r.status, 200);
    health.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    ackP95: fleet.ackLatency.quantile(0.95),
    acks: fleet.ackLatency.count(),
    healthP95: p95(health),
    healthMax: Math.max(...health),
    checks: health.length,
  };
}

test('a login spray does not slow the agents or /healthz beyond 5× + 200 ms of the quiet run', async () => {
  const quiet = await measure(PHASE_MS);
  const statuses = new Map<number, number>();
  let stop = false;
  let n = 0;
  const sprayer = async () => {
    while (!stop) {
      const i = n++;
      const r = await fetch(`${hub.hub.httpUrl}/api/auth/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // A benchmark-range address (RFC 2544), only ever a header: no traffic goes there.
          'x-forwarded-for': `198.18.${(i >> 8) & 255}.${i & 255}`,
        },
        body: JSON.stringify({ name: i % 4 === 0 ? 'test-admin' : `spray-${i}`, password: `Winter${i}!` }),
      });
      await r.arrayBuffer();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  };
  const spraying = Array.from({ length: SPRAYERS }, sprayer);
  // Until the flood has shown both faces: passwords checked (401) and the excess refused (429).
  const flooded = await measure(
    PHASE_MS,
    () => (statuses.get(401) ?? 0) >= 3 && (statuses.get(429) ?? 0) >= 1,
  );
  stop = true;
  await Promise.all(spraying);

  const seen = Object.fromEntries(statuses);
  const report = `quiet ${JSON.stringify(quiet)}; flood ${JSON.stringify(flooded)}; logins ${JSON.stringify(seen)}`;
  // The flood was real: passwords were checked (401) and the excess was turned away (429).
  assert.ok((statuses.get(401) ?? 0) >= 3, `passwords were checked: ${report}`);
  assert.ok((statuses.get(429) ?? 0) >= 1, `the excess was refused: ${report}`);
  assert.deepEqual(
    [...statuses.keys()].filter((s) => s !== 401 && s !== 429),
    [],
    `only 401 and 429: ${report}`,
  );
  assert.ok(quiet.acks >= 20 && flooded.acks >= 20, `the agents kept publishing: ${report}`);
  assert.ok(flooded.ackP95 <= 5 * quiet.ackP95 + 200, `publish→ack p95: ${report}`);
  assert.ok(flooded.healthP95 <= 5 * quiet.healthP95 + 200, `/healthz p95: ${report}`);
  assert.ok(fleet.connected() === AGENTS, `no agent was knocked off: ${report}`);
  console.log(`login flood: ${report}`);
});
