import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from '../canonical.ts';
import { compareSisters } from './compare.ts';
import { compareFromTally, talliedKeys } from './from-tally.ts';
import { group, prng, TABLE } from './random-groups.test-support.ts';
import {
  type CellStep,
  changedEntryKeys,
  chooseBase,
  type KeyTally,
  leaveCell,
  rebaseRows,
  stepCell,
  type TallyValue,
  tallyDifferences,
  tallyOf,
} from './tally.ts';
import type { CompareInput } from './types.ts';

const A = '"a"';
const B = '"b"';
const key = (base: TallyValue, deviants: number): KeyTally => ({ base, deviants });

test('stepCell: what one changed entry does to the key and to the cell row', () => {
  const rows: {
    name: string;
    key: KeyTally | undefined;
    row: TallyValue | undefined;
    next: TallyValue;
    want: CellStep;
  }[] = [
    {
      name: 'holds the base, keeps it',
      key: key(A, 0),
      row: undefined,
      next: A,
      want: { key: key(A, 0), row: { kind: 'keep' } },
    },
    {
      name: 'leaves the base',
      key: key(A, 0),
      row: undefined,
      next: B,
      want: { key: key(A, 1), row: { kind: 'set', value: B } },
    },
    {
      name: 'loses the key',
      key: key(A, 2),
      row: undefined,
      next: null,
      want: { key: key(A, 3), row: { kind: 'set', value: null } },
    },
    {
      name: 'comes back to the base',
      key: key(A, 1),
      row: B,
      next: A,
      want: { key: key(A, 0), row: { kind: 'delete' } },
    },
    {
      name: 'deviates differently',
      key: key(A, 1),
      row: B,
      next: '"c"',
      want: { key: key(A, 1), row: { kind: 'set', value: '"c"' } },
    },
    {
      name: 'same deviation again',
      key: key(A, 1),
      row: B,
      next: B,
      want: { key: key(A, 1), row: { kind: 'keep' } },
    },
    {
      name: 'a new key: others lack it',
      key: undefined,
      row: undefined,
      next: A,
      want: { key: key(null, 1), row: { kind: 'set', value: A } },
    },
    {
      name: 'the last holder drops it',
      key: key(null, 1),
      row: A,
      next: null,
      want: { key: undefined, row: { kind: 'delete' } },
    },
    {
      name: 'absent stays absent',
      key: undefined,
      row: undefined,
      next: null,
      want: { key: undefined, row: { kind: 'keep' } },
    },
  ];
  for (const r of rows) assert.deepEqual(stepCell(r.key, r.row, r.next), r.want, r.name);
  assert.deepEqual(
    stepCell(undefined, undefined, A, 1),
    { key: key(A, 0), row: { kind: 'keep' } },
    'group of one',
  );
  assert.deepEqual(stepCell(undefined, undefined, A, 2), {
    key: key(null, 1),
    row: { kind: 'set', value: A },
  });
});

test('changedEntryKeys: flat keys back to their entries', () => {
  const keys = changedEntryKeys([
    { key: '/Objects/A#value' },
    { key: '/Objects/A#access' },
    { key: '/Objects/B' },
    { key: 'server.x' },
  ]);
  assert.deepEqual([...keys], ['/Objects/A', '/Objects/B', 'server.x']);
});

test('leaveCell: the row goes, and the key when nobody holds it', () => {
  assert.deepEqual(leaveCell(key(A, 2), true), key(A, 1));
  assert.deepEqual(leaveCell(key(A, 2), false), key(A, 2));
  assert.equal(leaveCell(key(null, 1), true), undefined);
});

test('chooseBase: the most held value; ties keep the base', () => {
  const rows: { name: string; base: TallyValue; members: number; rows: TallyValue[]; want: TallyValue }[] = [
    { name: 'base is the majority', base: A, members: 5, rows: [B, B], want: A },
    { name: 'a deviant value overtakes', base: A, members: 5, rows: [B, B, B], want: B },
    { name: 'tie keeps the base', base: A, members: 4, rows: [B, B], want: A },
    { name: 'absent base, most hold a value', base: null, members: 3, rows: [A, A], want: A },
    {
      name: 'nobody holds the base any more: smallest of the tied',
      base: A,
      members: 2,
      rows: [B, null],
      want: null,
    },
  ];
  for (const r of rows) assert.equal(chooseBase(r.base, r.members, r.rows), r.want, r.name);
});

test('rebaseRows: rows counted against the new base', () => {
  const got = rebaseRows(
    ['c1', 'c2', 'c3', 'c4'],
    A,
    new Map([
      ['c2', B],
      ['c3', B],
    ]),
    B,
  );
  assert.deepEqual(
    [...got],
    [
      ['c1', A],
      ['c4', A],
    ],
  );
});

test('tallyOf and tallyDifferences: another base, same holdings, no difference', () => {
  const cells = [
    { cell: 'c1', hash: 'h1', entries: { k: 'a' } },
    { cell: 'c2', hash: 'h2', entries: { k: 'b' } },
    { cell: 'c3', hash: 'h3', entries: { k: 'b' } },
  ];
  const full = tallyOf(cells);
  assert.deepEqual(full.keys.get('k'), { base: B, rows: new Map([['c1', A]]) });
  const other = {
    members: new Map(full.members),
    keys: new Map([
      [
        'k',
        {
          base: A,
          rows: new Map([
            ['c2', B],
            ['c3', B],
          ]),
        },
      ],
    ]),
  };
  assert.deepEqual(tallyDifferences(other, full), []);
  const wrong = {
    members: new Map(full.members),
    keys: new Map([['k', { base: A, rows: new Map([['c2', B]]) }]]),
  };
  assert.deepEqual(tallyDifferences(wrong, full), ['key k']);
  const stale = { members: new Map([...full.members, ['c9', 'h9']]), keys: full.keys };
  assert.deepEqual(tallyDifferences(stale, full), ['member c9']);
});

for (const { name, shape } of TABLE) {
  test(`comparison from the tally = comparison of the snapshots: ${name}`, () => {
    for (let seed = 1; seed <= 200; seed++) {
      // As the hub holds them: parsed from canonical JSON (where -0 is 0).
      const input = JSON.parse(
        canonicalJson(group(prng(seed * 104_729 + name.length), shape)),
      ) as CompareInput;
      const tally = tallyOf(
        input.cells.map((c) => ({ cell: c.cell, hash: c.hash ?? '', entries: c.entries })),
      );
      const fromTally = compareFromTally({ ...input, keys: talliedKeys(tally) });
      assert.deepStrictEqual(fromTally, compareSisters(input), `seed ${seed}`);
    }
  });
}
