import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketTrend, countFleet, type TrendCell, type TrendSample } from './fleet-trend.ts';

const cell = (online: boolean, probe: TrendCell['probe'], since: number | null = 1): TrendCell => ({
  online,
  since,
  probe,
});
const s = (at: number, faulted: number, offline = 0, total = 10): TrendSample => ({
  at,
  total,
  faulted,
  offline,
});

describe('fleet trend', () => {
  test('counts faulted and offline the way the fleet page colours cells', () => {
    const cells = [
      cell(true, { ok: true, severity: 'ok' }),
      cell(true, { ok: false, severity: 'error' }),
      cell(true, { ok: true, severity: 'critical' }),
      cell(true, { ok: true, severity: 'warning' }),
      cell(false, { ok: false, severity: 'error' }), // offline wins over its last probe
      cell(false, null, null), // never seen
      cell(true, null), // no probe yet
    ];
    assert.deepEqual(countFleet(cells, 5), { at: 5, total: 7, faulted: 2, offline: 1 });
  });

  test('buckets keep the worst count, drop samples outside the range and leave empty buckets out', () => {
    const points = bucketTrend([s(95, 1), s(10, 3), s(15, 1, 4), s(-1, 9), s(101, 9), s(40, 0)], {
      to: 100,
      rangeMs: 100,
      buckets: 10,
    });
    assert.deepEqual(points, [
      { at: 15, total: 10, faulted: 3, offline: 4 },
      { at: 40, total: 10, faulted: 0, offline: 0 },
      { at: 95, total: 10, faulted: 1, offline: 0 },
    ]);
  });

  test('the range end falls in the last bucket', () => {
    assert.deepEqual(
      bucketTrend([s(100, 2)], { to: 100, rangeMs: 100, buckets: 4 }).map((p) => p.faulted),
      [2],
    );
  });
});
