import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryProbe } from '@cellfleet/protocol';
import { stateSegments, stepSeries } from './history.ts';

const p = (at: number, code: string, client?: string): HistoryProbe => ({
  at,
  endpoint: 'kepware',
  ...(client ? { client } : {}),
  ok: code === 'ok',
  code,
  durationMs: 10,
  steps: [
    { name: 'tcp', ok: true, ms: at / 100 },
    ...(code === 'port-closed' ? [] : [{ name: 'session', ok: code === 'ok', ms: 5 }]),
  ],
});

test('the strip: unknown, then the probes, offline between death and birth, faults by code', () => {
  const segs = stateSegments({
    from: 0,
    to: 100,
    probes: [
      p(10, 'ok'),
      p(20, 'ok'),
      p(30, 'port-closed'),
      p(40, 'ok'),
      p(45, 'ok', 'Ignition'),
      p(50, 'bad-cert', 'Ignition'),
    ],
    liveness: [
      { at: 60, online: false },
      { at: 80, online: true },
    ],
  });
  assert.deepEqual(
    segs.map((s) => [s.from, s.to, s.state, s.code ?? '']),
    [
      [0, 10, 'unknown', ''],
      [10, 30, 'ok', ''],
      [30, 40, 'fault', 'port-closed'],
      [40, 50, 'ok', ''],
      [50, 60, 'fault', 'bad-cert'],
      [60, 80, 'offline', ''],
      [80, 100, 'fault', 'bad-cert'], // the client was still failing when the agent came back
    ],
  );
});

test('events before the range count from its start', () => {
  assert.deepEqual(stateSegments({ from: 50, to: 60, probes: [p(10, 'port-closed')], liveness: [] }), [
    { from: 50, to: 60, state: 'fault', code: 'port-closed' },
  ]);
});

test('step series follow one source, a missing step is a gap', () => {
  const s = stepSeries([p(100, 'ok'), p(200, 'port-closed'), p(300, 'ok', 'Ignition')], 'kepware');
  assert.deepEqual(s.names, ['tcp', 'session']);
  assert.deepEqual(s.x, [0.1, 0.2]);
  assert.deepEqual(s.ys, [
    [1, 2],
    [5, null],
  ]);
});
