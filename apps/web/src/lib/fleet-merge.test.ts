import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeCells, type Placed } from './fleet-merge.ts';

const cell = (site: string, line: string, name: string, v = 0): Placed & { v: number } => ({
  id: `${site}.${line}.${name}`,
  site,
  line,
  cell: name,
  v,
});

const fleet = [
  cell('p1', 'a', 'c-1'),
  cell('p1', 'a', 'c-2'),
  cell('p1', 'b', 'c-1'),
  cell('p2', 'a', 'c-1'),
];

test('a named cell is replaced in place; cells not named keep their objects', () => {
  const next = mergeCells(fleet, ['p1.a.c-2'], [cell('p1', 'a', 'c-2', 7)]);
  assert.deepEqual(
    next.map((c) => [c.id, c.v]),
    [
      ['p1.a.c-1', 0],
      ['p1.a.c-2', 7],
      ['p1.b.c-1', 0],
      ['p2.a.c-1', 0],
    ],
  );
  assert.equal(next[0], fleet[0]);
  assert.notEqual(next[1], fleet[1]);
});

test('a named cell the hub no longer lists is removed; a new one takes its place in order', () => {
  const next = mergeCells(fleet, ['p1.b.c-1', 'p1.a.c-0', 'p9.x.c-1'], [cell('p1', 'a', 'c-0', 1)]);
  assert.deepEqual(
    next.map((c) => c.id),
    ['p1.a.c-0', 'p1.a.c-1', 'p1.a.c-2', 'p2.a.c-1'],
  );
});

test('the merge equals a fresh whole-fleet answer, whatever was named', () => {
  const hubNow = [
    cell('p1', 'a', 'c-1', 2),
    cell('p1', 'a', 'c-3'),
    cell('p2', 'a', 'c-1'),
    cell('p3', 'z', 'c-1'),
  ];
  const named = ['p1.a.c-1', 'p1.a.c-2', 'p1.a.c-3', 'p1.b.c-1', 'p3.z.c-1'];
  const answer = hubNow.filter((c) => named.includes(c.id));
  assert.deepEqual(mergeCells(fleet, named, answer), hubNow);
});
