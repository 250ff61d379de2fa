import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../canonical.ts';
import { compareSisters } from './compare.ts';
import type { SisterSnapshot } from './types.ts';

const NOW = Date.UTC(2026, 10, 24);
const SPEED = '/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}Recipe/{KEPServerEX}Speed';
const cell = (name: string, entries: Record<string, Json>): SisterSnapshot => ({ cell: name, entries });
const six = (v: (i: number) => Json, extra: (i: number) => Record<string, Json> = () => ({})) =>
  [1, 2, 3, 4, 5, 6].map((i) => cell(`cell-${i}`, { 'server.softwareVersion': v(i), ...extra(i) }));

test('majority: the cell that differs is an outlier, explained in words', () => {
  const c = compareSisters({
    group: 'presses',
    now: NOW,
    cells: six((i) => (i === 4 ? '6.14.263' : '6.16.1')),
  });
  assert.equal(c.rows.length, 1);
  const row = c.rows[0]!;
  assert.equal(row.status, 'outliers');
  assert.equal(row.baseline, '6.16.1');
  assert.equal(row.agreeing, 5);
  assert.deepEqual(row.outliers, [
    {
      cell: 'cell-4',
      value: '6.14.263',
      text: 'cell-4: softwareVersion 6.14.263; 5 of 6 sisters have 6.16.1',
    },
  ]);
  assert.equal(c.cells.find((x) => x.cell === 'cell-4')?.outliers, 1);
  assert.equal(c.keysIdentical, 0);
});

test('ties are shown as ties, with no outlier guessed', () => {
  const c = compareSisters({ group: 'g', now: NOW, cells: six((i) => (i <= 3 ? 'a' : 'b')) });
  const row = c.rows[0]!;
  assert.equal(row.status, 'tie');
  assert.deepEqual(row.outliers, []);
  assert.deepEqual(row.tie, [
    { value: 'a', cells: ['cell-1', 'cell-2', 'cell-3'] },
    { value: 'b', cells: ['cell-4', 'cell-5', 'cell-6'] },
  ]);
  assert.match(row.text, /tie, no majority/);
});

test('missing keys count: a missing tag is an outlier; an extra one too', () => {
  const cells = six(
    () => '1',
    (i) => (i === 2 ? {} : { [SPEED]: 'Variable' }),
  );
  cells[5] = cell('cell-6', {
    'server.softwareVersion': '1',
    [SPEED]: 'Variable',
    '/Objects/extra': 'Object',
  });
  const c = compareSisters({ group: 'g', now: NOW, cells });
  const texts = c.rows.flatMap((r) => r.outliers.map((o) => o.text));
  assert.deepEqual(texts, [
    'cell-6: extra present (Object); 5 of 6 sisters do not have it',
    'cell-2: Channel1/Device1/Recipe/Speed missing; 5 of 6 sisters have it',
  ]);
});

test('numeric tolerances absorb small differences, not large ones', () => {
  const key = `${SPEED}#value`;
  const values = [100, 100.2, 99.9, 100, 100.1, 130];
  const cells = values.map((v, i) => cell(`c${i + 1}`, { [key]: v }));
  const none = compareSisters({ group: 'g', now: NOW, cells });
  assert.equal(none.rows[0]!.outliers.length, 4);
  const tol = compareSisters({
    group: 'g',
    now: NOW,
    cells,
    rules: { tolerances: [{ match: '**/Recipe/Speed', abs: 0.5 }] },
  });
  assert.deepEqual(
    tol.rows[0]!.outliers.map((o) => o.cell),
    ['c6'],
  );
  assert.equal(tol.rows[0]!.agreeing, 5);
  const rel = compareSisters({
    group: 'g',
    now: NOW,
    cells,
    rules: { tolerances: [{ match: '**', rel: 0.5 }] },
  });
  assert.equal(rel.rows.length, 0);
});

test('ignore rules drop keys by glob; certificates are ignored by default', () => {
  const cells = six(
    (i) => (i === 1 ? 'x' : 'y'),
    (i) => ({ 'certificate.thumbprint': `t${i}`, [`${SPEED}#value`]: i }),
  );
  const c = compareSisters({
    group: 'g',
    now: NOW,
    cells,
    rules: { ignore: ['server.*', 'Channel1/Device1/Recipe/Speed'] },
  });
  assert.equal(c.rows.length, 0);
  assert.equal(c.keysIgnored, 3);
});

test('a pinned golden snapshot is the baseline even against the majority', () => {
  const cells = six((i) => (i === 4 ? '6.14.263' : '6.16.1'));
  const c = compareSisters({
    group: 'g',
    now: NOW,
    cells,
    golden: { cell: 'cell-4', hash: 'a'.repeat(64), entries: { 'server.softwareVersion': '6.14.263' } },
  });
  assert.equal(c.baselineSource, 'golden');
  const row = c.rows[0]!;
  assert.equal(row.baseline, '6.14.263');
  assert.equal(row.outliers.length, 5);
  assert.equal(
    row.outliers[0]!.text,
    'cell-1: softwareVersion 6.16.1; golden (cell-4) has 6.14.263; 1 of 6 sisters agree',
  );
});

test('certificate expiry across the group, soonest first', () => {
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const cells = [
    cell('a', { 'certificate.notAfter': iso(NOW + 400 * day) }),
    cell('b', { 'certificate.notAfter': iso(NOW + 10 * day) }),
    cell('c', { 'certificate.notAfter': iso(NOW - day) }),
    cell('d', {}),
  ];
  const c = compareSisters({ group: 'g', now: NOW, cells });
  assert.deepEqual(
    c.certificates.map((x) => [x.cell, x.state]),
    [
      ['c', 'expired'],
      ['b', 'expiring'],
      ['a', 'ok'],
      ['d', 'unknown'],
    ],
  );
  assert.ok(c.summary.some((s) => s.includes('expired')));
});
