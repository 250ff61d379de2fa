import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Envelope, ProbeBody } from '@cellfleet/protocol';
import { type CellChange, foldCell } from './cell-state.ts';
import { NEVER_SEEN } from './liveness.ts';

const cell = 'plant1.lineA.press-01';
let n = 0;
const env = <K extends Envelope['kind']>(kind: K, session: number, ts: number, body: unknown): Envelope =>
  ({
    v: '1.0',
    kind,
    id: `msg-${String(++n).padStart(4, '0')}`,
    cell,
    ts,
    seq: n,
    session,
    body,
  }) as Envelope;

const birth = (session: number, ts: number, version = '1.2.0') =>
  env('birth', session, ts, {
    state: 'online',
    identity: { site: 'plant1', line: 'lineA', cell: 'press-01', sisterGroup: 'presses' },
    agentVersion: version,
    probeIntervalMs: 60_000,
    endpoints: [{ name: 'kepware', url: 'opc.tcp://10.0.0.5:49320' }],
  });
const death = (session: number) => env('death', session, 1, { state: 'offline', reason: 'will' });
const buildInfo = {
  productName: 'KEPServerEX',
  manufacturerName: 'PTC',
  softwareVersion: '6.16',
  buildNumber: '1',
};
const probe = (startedAt: number, code: string, withBuild = false) =>
  env('probe', 1, startedAt, {
    endpoint: 'kepware',
    url: 'opc.tcp://10.0.0.5:49320',
    ok: code === 'ok',
    startedAt,
    durationMs: 12,
    steps: [{ name: 'tcp', ok: true, ms: 1 }],
    diagnosis: { code, severity: code === 'ok' ? 'ok' : 'error', summary: code },
    findings: [],
    ...(withBuild ? { server: { buildInfo } } : {}),
  } satisfies ProbeBody);
const health = (depth: number) =>
  env('health', 1, 5, {
    outboxDepth: depth,
    outboxBytes: 0,
    oldestAgeMs: 0,
    droppedForSize: 0,
    droppedForAge: 0,
  });
const snapshotHash = () =>
  env('snapshot-hash', 1, 5, { endpoint: 'kepware', hash: 'a'.repeat(64), takenAt: 5 });

type Row = [name: string, messages: Envelope[], expect: (c: CellChange) => void];
const RECEIVED = 1_000;

const table: Row[] = [
  [
    "a birth brings the cell online at the agent's time, with its version and endpoints",
    [birth(1, 50)],
    (c) => {
      assert.deepEqual(c.liveness, { online: true, session: 1, since: 50 });
      assert.equal(c.agentVersion, '1.2.0');
      assert.deepEqual(c.endpoints, [{ name: 'kepware', url: 'opc.tcp://10.0.0.5:49320' }]);
      assert.equal(c.lastSeen, RECEIVED);
    },
  ],
  [
    "a death takes it offline at the hub's clock, and does not count as hearing from the agent",
    [death(1)],
    (c) => {
      assert.deepEqual(c.liveness, { online: false, session: 1, since: RECEIVED });
      assert.equal(c.lastSeen, undefined);
    },
  ],
  [
    'a stale death after a newer birth changes nothing (session rule)',
    [birth(2, 50), death(1)],
    (c) => assert.deepEqual(c.liveness, { online: true, session: 2, since: 50 }),
  ],
  [
    'the last probe of the batch wins; BuildInfo is kept from a probe that had one',
    [probe(10, 'ok', true), probe(20, 'port-closed')],
    (c) => {
      assert.equal(c.lastProbe?.at, 20);
      assert.equal(c.lastProbe?.diagnosis.code, 'port-closed');
      assert.deepEqual(c.buildInfo, buildInfo);
      assert.equal(c.liveness, NEVER_SEEN, 'a probe does not touch liveness');
    },
  ],
  ['health is kept as reported', [health(3), health(7)], (c) => assert.equal(c.health?.outboxDepth, 7)],
  [
    'snapshot messages change nothing but when the agent was last heard from',
    [snapshotHash()],
    (c) => assert.deepEqual(c, { liveness: NEVER_SEEN, lastSeen: RECEIVED, clockSkewMs: 0 }),
  ],
];

for (const [name, messages, expect] of table)
  test(`cell state: ${name}`, () => expect(foldCell(NEVER_SEEN, messages, RECEIVED)));

test('cell state: an upgrade and restart (new session) replaces the version and the since time', () => {
  const c = foldCell({ online: true, session: 1, since: 5 }, [death(1), birth(2, 900, '1.3.0')], RECEIVED);
  assert.deepEqual(c.liveness, { online: true, session: 2, since: 900 });
  assert.equal(c.agentVersion, '1.3.0');
});

test("cell state: a refused cell client stays the cell's headline while the agent's own probe passes (issue 17)", () => {
  const asClient = (startedAt: number, code: string) => {
    const m = probe(startedAt, code) as Envelope<'probe'>;
    return {
      ...m,
      body: {
        ...m.body,
        client: {
          name: 'ignition-gateway',
          label: 'Ignition Gateway',
          securityPolicy: 'Basic256Sha256',
          securityMode: 'SignAndEncrypt',
          userTokenType: 'Anonymous',
          keyAvailable: true,
          unproven: [],
        },
      },
    } as Envelope;
  };
  const first = foldCell(NEVER_SEEN, [probe(10, 'ok'), asClient(11, 'client-cert-untrusted')], RECEIVED);
  assert.equal(first.lastProbe?.client, 'ignition-gateway');
  assert.equal(first.lastProbe?.clientLabel, 'Ignition Gateway');
  assert.equal(first.lastProbe?.failingSince, 11);
  // The next cycle, in another batch: the agent's probe passes first, the client fails again.
  const own = foldCell(NEVER_SEEN, [probe(20, 'ok')], RECEIVED, first.lastProbe);
  assert.equal(own.lastProbe?.client, 'ignition-gateway', 'an ok of another probe does not clear it');
  const again = foldCell(NEVER_SEEN, [asClient(21, 'client-cert-untrusted')], RECEIVED, own.lastProbe);
  assert.equal(again.lastProbe?.failingSince, 11, 'since its first failure');
  assert.equal(again.lastProbe?.at, 21);
  const healed = foldCell(NEVER_SEEN, [asClient(31, 'ok')], RECEIVED, again.lastProbe);
  assert.equal(healed.lastProbe?.ok, true);
  assert.equal(healed.lastProbe?.failingSince, undefined);
});

test('cell state: a clock outside the window is reported, stored, and does not set "online since"', () => {
  const day = 86_400_000;
  const now = 400 * day;
  const ahead = foldCell(NEVER_SEEN, [birth(1, now + 3_600_000)], now);
  assert.equal(ahead.clockSkewMs, 3_600_000, 'an hour ahead');
  assert.deepEqual(ahead.liveness, { online: true, session: 1, since: now }, "the hub's clock stands in");
  // The largest ts the schema lets through (8.64e15, a Date's limit) is a skew, not a time.
  const far = foldCell(NEVER_SEEN, [{ ...health(1), ts: 8.64e15 }], now);
  assert.equal(far.clockSkewMs, 8.64e15 - now);
  // Behind: a week-old message is an outbox backlog, in the window; a year and more is a clock.
  assert.equal(foldCell(NEVER_SEEN, [{ ...health(1), ts: now - 7 * day }], now).clockSkewMs, 0);
  const behind = foldCell(NEVER_SEEN, [birth(2, 0)], now);
  assert.equal(behind.clockSkewMs, -now);
  assert.equal(behind.liveness.since, now);
  // Within the window: no skew, and a birth a little ahead is online since the hub heard of it.
  const slight = foldCell(NEVER_SEEN, [birth(3, now + 60_000)], now);
  assert.deepEqual([slight.clockSkewMs, slight.liveness.since], [0, now]);
  // The last message of the batch decides: a corrected clock clears the report.
  assert.equal(
    foldCell(
      NEVER_SEEN,
      [
        { ...health(1), ts: now + day },
        { ...health(2), ts: now },
      ],
      now,
    ).clockSkewMs,
    0,
  );
  // A death's ts is when its connection opened: it neither reports nor clears a skew.
  assert.equal(foldCell(NEVER_SEEN, [{ ...health(1), ts: now + day }, death(1)], now).clockSkewMs, day);
});
