// The synthetic configuration: the asked-for size, sisters the sister comparison finds alike,
// drift that changes exactly one value without touching what the publisher already holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allChanges, compareSisters, diffEntries, isNodeKey } from '@cellfleet/core';
import { MIN_SNAPSHOT_ENTRIES, simBase, simConfiguration } from './sim-config.ts';

/** A fixed sequence, so a failure reproduces. */
function sequence(...values: number[]) {
  let i = 0;
  return () => values[i++ % values.length]!;
}

test('a cell snapshot has the asked-for number of entries and Kepware browse-path keys', () => {
  for (const size of [MIN_SNAPSHOT_ENTRIES, 50, 500]) {
    const s = simConfiguration(simBase(size), 'sim.line-000.cell-00000').snapshot(1000);
    assert.equal(Object.keys(s.entries).length, size);
    assert.equal(s.status.nodes, Object.keys(s.entries).filter(isNodeKey).length);
    assert.equal(s.endpoint, 'kepware');
  }
  const s = simConfiguration(simBase(), 'sim.line-000.cell-00000').snapshot(1000);
  assert.deepEqual(
    s.entries[
      '/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}Config/{KEPServerEX}ScanRateMs'
    ],
    { class: 'Variable', dataType: 'Int32', access: 'RW', value: 100 },
  );
  assert.equal(s.entries['server.productName'], 'KEPServerEX/UA Server');
  assert.throws(() => simBase(MIN_SNAPSHOT_ENTRIES - 1), RangeError);
});

test('sisters differ only in their certificate thumbprint, which the comparison ignores', () => {
  const base = simBase();
  const cells = ['sim.line-000.cell-00000', 'sim.line-000.cell-00001', 'sim.line-001.cell-00100'];
  const configs = cells.map((cell) => simConfiguration(base, cell));
  const changes = allChanges(diffEntries(configs[0]!.entries, configs[1]!.entries));
  assert.deepEqual(
    changes.map((c) => c.key),
    ['certificate.thumbprint'],
  );
  const comparison = compareSisters({
    group: 'sim-presses',
    now: 0,
    cells: cells.map((cell, i) => ({ cell, entries: configs[i]!.entries })),
  });
  assert.deepEqual(comparison.rows, []);
  assert.equal(comparison.keysCompared, comparison.keysIdentical);
});

test('drift changes exactly one configuration value, in a copy', () => {
  const base = simBase();
  const baseCopy = structuredClone(base.entries);
  const cell = simConfiguration(base, 'sim.line-000.cell-00000');
  const sister = simConfiguration(base, 'sim.line-000.cell-00001');
  const random = sequence(0.3, 0.9, 0.7, 0.1, 0.99, 0.2);
  for (let i = 0; i < 20; i++) {
    const before = cell.snapshot(i);
    const beforeCopy = structuredClone(before.entries);
    const key = cell.drift(random);
    const changes = allChanges(diffEntries(before.entries, cell.entries));
    assert.equal(changes.length, 1, `drift ${i}: ${JSON.stringify(changes)}`);
    assert.equal(changes[0]!.key, `${key}#value`);
    assert.ok(base.tunable.includes(key));
    const [from, to] = [changes[0]!.from as number, changes[0]!.to as number];
    assert.ok(to > 0 && Math.abs(to - from) <= Math.max(1, Math.abs(from) * 0.1), `${from} → ${to}`);
    assert.deepEqual(before.entries, beforeCopy, 'the snapshot taken before drift is left intact');
  }
  assert.deepEqual(base.entries, baseCopy, 'the shared base is left intact');
  assert.equal(allChanges(diffEntries(base.entries, sister.entries)).length, 1, 'only its thumbprint');
});
