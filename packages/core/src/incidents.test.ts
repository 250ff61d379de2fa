import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Incident,
  type IncidentContext,
  type ProbeOutcome,
  settleIncident,
  severityAtLeast,
  stepIncident,
} from './incidents.ts';

const where = { cell: 'plant1.lineA.press-01', endpoint: 'plc' };
let n = 0;
const ctx = (o: Partial<IncidentContext> = {}): IncidentContext => ({
  newId: () => `inc-${++n}`,
  quiet: false,
  settleMs: 60_000,
  ...o,
});
const fail = (at: number, code = 'port-closed'): ProbeOutcome => ({
  ok: false,
  at,
  code,
  severity: 'error',
  summary: 'nothing listens on port 4840',
  fix: 'Start the OPC UA server',
});
const pass = (at: number): ProbeOutcome => ({
  ok: true,
  at,
  code: 'ok',
  severity: 'ok',
  summary: 'ok',
  fix: null,
});

/** Runs probes through the state machine; returns the events and the last incident. */
function run(probes: ProbeOutcome[], c = ctx()) {
  let incident: Incident | undefined;
  const events: string[] = [];
  for (const p of probes) {
    const s = stepIncident(incident, where, p, c);
    incident = s.incident;
    events.push(s.event);
  }
  return { events, incident };
}

test('a healthy cell has no incident', () => {
  assert.deepEqual(run([pass(1), pass(2)]), { events: ['none', 'none'], incident: undefined });
});

test('one incident per problem: the first failure opens it, later failures only update it', () => {
  const r = run([fail(1_000), fail(2_000, 'tcp-timeout'), fail(3_000)]);
  assert.deepEqual(r.events, ['opened', 'none', 'none']);
  assert.equal(r.incident?.status, 'open');
  assert.equal(r.incident?.code, 'port-closed', 'the incident keeps the diagnosis that opened it');
  assert.equal(r.incident?.lastFailAt, 3_000);
  assert.equal(r.incident?.fix, 'Start the OPC UA server');
});

test('flapping stays one incident with a count; the recovery is told once it settles', () => {
  const r = run([
    fail(0),
    pass(10_000),
    fail(20_000),
    pass(30_000),
    fail(40_000),
    pass(50_000),
    pass(200_000),
  ]);
  assert.deepEqual(r.events, [
    'opened',
    'recovering',
    'flapped',
    'recovering',
    'flapped',
    'recovering',
    'recovered',
  ]);
  assert.equal(r.incident?.flaps, 2);
  assert.equal(r.incident?.status, 'closed');
  assert.equal(r.incident?.closedAt, 200_000);
});

test('a failure after the recovery opens a new incident', () => {
  const c = ctx({ settleMs: 0 });
  const incident = stepIncident(undefined, where, fail(0), c).incident;
  const first = incident?.id;
  const rec = stepIncident(incident, where, pass(1), c);
  assert.equal(rec.event, 'recovered', 'settleMs 0: the first healthy probe recovers it');
  const again = stepIncident(rec.incident, where, fail(2), c);
  assert.equal(again.event, 'opened');
  assert.notEqual(again.incident?.id, first);
});

test('settleIncident closes a recovering incident only after settleMs', () => {
  const { incident } = run([fail(0), pass(10_000)]);
  assert.ok(incident);
  assert.equal(settleIncident(incident, 69_999, 60_000).event, 'none');
  const s = settleIncident(incident, 70_000, 60_000);
  assert.equal(s.event, 'recovered');
  assert.equal(s.incident?.status, 'closed');
  assert.equal(settleIncident(s.incident as Incident, 80_000, 60_000).event, 'none', 'closed stays closed');
});

test('an incident opened while an approved action runs is quiet', () => {
  const r = run([fail(0)], ctx({ quiet: true }));
  assert.equal(r.incident?.quiet, true);
});

test('severity ranks: ok < info < warning < error < critical', () => {
  assert.equal(severityAtLeast('error', 'warning'), true);
  assert.equal(severityAtLeast('warning', 'warning'), true);
  assert.equal(severityAtLeast('info', 'warning'), false);
  assert.equal(severityAtLeast('critical', 'error'), true);
});
