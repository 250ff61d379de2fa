import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Comparison, ComparisonRow } from './compare/index.ts';
import { alignWrites, restoreWrites } from './proposals.ts';
import type { SnapshotEntries } from './snapshot/index.ts';

const SPEED = '/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}Recipe/{KEPServerEX}Speed';
const MODE = SPEED.replace('Speed', 'Mode');
const RO = SPEED.replace('Speed', 'Serial');
const PASS = SPEED.replace('Recipe/{KEPServerEX}Speed', 'Config/{KEPServerEX}Password');
const GONE = SPEED.replace('Speed', 'Pressure');

const cell: SnapshotEntries = {
  [SPEED]: { class: 'Variable', dataType: 'Double', access: 'RW', value: 120 },
  [MODE]: { class: 'Variable', dataType: 'String', access: 'RW', value: 'Manual' },
  [RO]: { class: 'Variable', dataType: 'String', access: 'R', value: 'SN-2' },
  [PASS]: { class: 'Variable', dataType: 'String', access: 'RW', value: { $redacted: true, fp: 'ab' } },
  'server.softwareVersion': '6.14.263',
};

const row = (key: string, baseline: unknown, extra: Partial<ComparisonRow> = {}): ComparisonRow =>
  ({
    key,
    label: key,
    status: 'outliers',
    baseline,
    baselineSource: 'majority',
    agreeing: 3,
    outliers: [{ cell: 'p.l.c4', text: '' }],
    text: '',
    ...extra,
  }) as ComparisonRow;

const comparison = (rows: ComparisonRow[]) => ({ rows }) as unknown as Comparison;

describe('align with the sister baseline', () => {
  test('writes the baseline on writable outlier values, and says why it skips the rest', () => {
    const r = alignWrites(
      comparison([
        row(`${SPEED}#value`, 100),
        row(`${MODE}#value`, 'Auto'),
        row(`${RO}#value`, 'SN-1'),
        row(`${PASS}#value`, { $redacted: true, fp: 'cd' }),
        row(`${GONE}#value`, 6.2),
        row('server.softwareVersion', '6.16.1'),
        row(`${SPEED}#value`.replace('Speed', 'Temp'), undefined, {
          status: 'tie',
        } as Partial<ComparisonRow>),
        row(`${SPEED}#value`.replace('Speed', 'Other'), 1, { outliers: [{ cell: 'p.l.c9', text: '' }] }),
      ]),
      'p.l.c4',
      cell,
    );
    assert.deepEqual(r.writes, [
      { path: SPEED, value: 100, previous: 120, dataType: 'Double' },
      { path: MODE, value: 'Auto', previous: 'Manual', dataType: 'String' },
    ]);
    assert.deepEqual(
      r.skipped.map((s) => s.reason),
      [
        'the node is read-only',
        'a secret: its value never leaves the agent',
        'the node does not exist on this cell (a write cannot create it)',
        'not a node value (server identity, endpoints or limits)',
        'the sisters are tied: there is no baseline to align with',
      ],
    );
  });

  test('a key selection limits the writes', () => {
    const r = alignWrites(
      comparison([row(`${SPEED}#value`, 100), row(`${MODE}#value`, 'Auto')]),
      'p.l.c4',
      cell,
      [SPEED],
    );
    assert.deepEqual(
      r.writes.map((w) => w.path),
      [SPEED],
    );
  });
});

describe('restore from a snapshot', () => {
  test('puts back values that differ, leaves equal ones alone', () => {
    const then: SnapshotEntries = {
      [SPEED]: { class: 'Variable', dataType: 'Double', access: 'RW', value: 100 },
      [MODE]: { class: 'Variable', dataType: 'String', access: 'RW', value: 'Manual' },
      [RO]: { class: 'Variable', dataType: 'String', access: 'R', value: 'SN-1' },
      [GONE]: { class: 'Variable', dataType: 'Double', access: 'RW', value: 6.2 },
      'server.softwareVersion': '6.16.1',
    };
    const r = restoreWrites(then, cell);
    assert.deepEqual(r.writes, [{ path: SPEED, value: 100, previous: 120, dataType: 'Double' }]);
    assert.deepEqual(
      r.skipped.map((s) => s.key),
      [`${RO}#value`, `${GONE}#value`],
    );
  });
});
