import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WindowSpec } from '@cellfleet/protocol';
import { describeWindow, isInWindow, nextWindow, parseWindowSpec } from './window.ts';

const t = (iso: string) => Date.parse(iso);
const daily = (start: string, end: string, timeZone: string): WindowSpec => ({
  kind: 'daily',
  start,
  end,
  timeZone,
});

// Transitions used (2025): Berlin 30 Mar 01:00Z / 26 Oct 01:00Z; New York 9 Mar 07:00Z /
// 2 Nov 06:00Z; Sydney 5 Apr 16:00Z (AEDT→AEST) / 4 Oct 16:00Z (AEST→AEDT).
const cases: { name: string; spec: WindowSpec; now: string; start: string; end: string }[] = [
  {
    name: 'Berlin winter',
    spec: daily('02:00', '04:00', 'Europe/Berlin'),
    now: '2025-03-28T12:00:00Z',
    start: '2025-03-29T01:00:00Z',
    end: '2025-03-29T03:00:00Z',
  },
  {
    name: 'Berlin spring-forward gap: 1 h',
    spec: daily('02:00', '04:00', 'Europe/Berlin'),
    now: '2025-03-29T12:00:00Z',
    start: '2025-03-30T01:00:00Z',
    end: '2025-03-30T02:00:00Z',
  },
  {
    name: 'Berlin summer',
    spec: daily('02:00', '04:00', 'Europe/Berlin'),
    now: '2025-06-14T12:00:00Z',
    start: '2025-06-15T00:00:00Z',
    end: '2025-06-15T02:00:00Z',
  },
  {
    name: 'Berlin open now',
    spec: daily('02:00', '04:00', 'Europe/Berlin'),
    now: '2025-06-15T01:00:00Z',
    start: '2025-06-15T00:00:00Z',
    end: '2025-06-15T02:00:00Z',
  },
  {
    name: 'Berlin fall-back overlap: 3 h',
    spec: daily('02:00', '04:00', 'Europe/Berlin'),
    now: '2025-10-25T12:00:00Z',
    start: '2025-10-26T00:00:00Z',
    end: '2025-10-26T03:00:00Z',
  },
  {
    name: 'Berlin window inside the gap is skipped',
    spec: daily('02:00', '02:30', 'Europe/Berlin'),
    now: '2025-03-29T12:00:00Z',
    start: '2025-03-31T00:00:00Z',
    end: '2025-03-31T00:30:00Z',
  },
  {
    name: 'New York start in gap',
    spec: daily('02:15', '03:15', 'America/New_York'),
    now: '2025-03-08T12:00:00Z',
    start: '2025-03-09T07:00:00Z',
    end: '2025-03-09T07:15:00Z',
  },
  {
    name: 'New York start in overlap',
    spec: daily('01:00', '02:00', 'America/New_York'),
    now: '2025-11-01T12:00:00Z',
    start: '2025-11-02T05:00:00Z',
    end: '2025-11-02T07:00:00Z',
  },
  {
    name: 'New York end in overlap',
    spec: daily('00:30', '01:30', 'America/New_York'),
    now: '2025-11-01T12:00:00Z',
    start: '2025-11-02T04:30:00Z',
    end: '2025-11-02T06:30:00Z',
  },
  {
    name: 'Sydney fall-back (April)',
    spec: daily('02:00', '04:00', 'Australia/Sydney'),
    now: '2025-04-05T00:00:00Z',
    start: '2025-04-05T15:00:00Z',
    end: '2025-04-05T18:00:00Z',
  },
  {
    name: 'Sydney spring-forward (October)',
    spec: daily('02:00', '04:00', 'Australia/Sydney'),
    now: '2025-10-04T00:00:00Z',
    start: '2025-10-04T16:00:00Z',
    end: '2025-10-04T17:00:00Z',
  },
  {
    name: 'Sydney weekly Saturday overnight',
    spec: { kind: 'weekly', days: [6], start: '22:00', end: '02:00', timeZone: 'Australia/Sydney' },
    now: '2025-01-01T00:00:00Z',
    start: '2025-01-04T11:00:00Z',
    end: '2025-01-04T15:00:00Z',
  },
  {
    name: 'UTC overnight, open since yesterday',
    spec: daily('22:00', '02:00', 'UTC'),
    now: '2025-01-02T01:00:00Z',
    start: '2025-01-01T22:00:00Z',
    end: '2025-01-02T02:00:00Z',
  },
  {
    name: 'UTC weekdays skip the weekend',
    spec: { kind: 'weekly', days: [1, 2, 3, 4, 5], start: '12:00', end: '13:00', timeZone: 'UTC' },
    now: '2025-01-03T13:30:00Z',
    start: '2025-01-06T12:00:00Z',
    end: '2025-01-06T13:00:00Z',
  },
  {
    name: 'explicit',
    spec: { kind: 'explicit', start: t('2025-01-01T00:00:00Z'), end: t('2025-01-01T01:00:00Z') },
    now: '2024-12-31T00:00:00Z',
    start: '2025-01-01T00:00:00Z',
    end: '2025-01-01T01:00:00Z',
  },
];

for (const c of cases) {
  test(`nextWindow: ${c.name}`, () => {
    const occ = nextWindow(c.spec, t(c.now));
    assert.ok(occ, 'expected an occurrence');
    assert.deepEqual(
      { start: new Date(occ.start).toISOString(), end: new Date(occ.end).toISOString() },
      { start: new Date(t(c.start)).toISOString(), end: new Date(t(c.end)).toISOString() },
    );
  });
}

test('nextWindow: an explicit window that is over has no occurrence', () => {
  assert.equal(nextWindow({ kind: 'explicit', start: 0, end: 1000 }, 1000), undefined);
});

test('isInWindow across the Berlin transitions', () => {
  const spec = daily('02:00', '04:00', 'Europe/Berlin');
  const rows: [string, boolean][] = [
    ['2025-03-30T00:30:00Z', false], // 01:30 CET
    ['2025-03-30T01:00:00Z', true], // 03:00 CEST, right after the jump
    ['2025-03-30T01:59:59Z', true],
    ['2025-03-30T02:00:00Z', false], // 04:00 CEST
    ['2025-10-26T00:00:00Z', true], // first 02:00 (CEST)
    ['2025-10-26T02:30:00Z', true], // 03:30 CET
    ['2025-10-26T03:00:00Z', false], // 04:00 CET
  ];
  for (const [iso, expected] of rows) assert.equal(isInWindow(spec, t(iso)), expected, iso);
});

test('parseWindowSpec reads the short form and rejects bad input', () => {
  assert.deepEqual(parseWindowSpec('daily 02:00–04:00 Europe/Berlin'), {
    ok: true,
    spec: { kind: 'daily', start: '02:00', end: '04:00', timeZone: 'Europe/Berlin' },
  });
  assert.deepEqual(parseWindowSpec('weekly sat-mon 22:00-02:00 UTC'), {
    ok: true,
    spec: { kind: 'weekly', days: [1, 6, 7], start: '22:00', end: '02:00', timeZone: 'UTC' },
  });
  for (const bad of [
    'daily 2:00-04:00 UTC',
    'daily 02:00-04:00 Mars/Base',
    'hourly 02:00-04:00 UTC',
    'weekly xyz 01:00-02:00 UTC',
  ]) {
    const r = parseWindowSpec(bad);
    assert.equal(r.ok, false, bad);
  }
});

test('describeWindow round-trips through parseWindowSpec', () => {
  const spec: WindowSpec = {
    kind: 'weekly',
    days: [2, 4],
    start: '01:00',
    end: '03:30',
    timeZone: 'America/New_York',
  };
  const again = parseWindowSpec(describeWindow(spec));
  assert.deepEqual(again, { ok: true, spec });
});
