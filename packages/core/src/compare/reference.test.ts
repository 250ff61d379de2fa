// The fast path must give exactly what the straightforward comparison gives (reference.ts):
// randomized sister groups from a seeded PRNG, one table row per kind of group.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../canonical.ts';
import { classId, sameClass } from './classes.ts';
import { compareSisters } from './compare.ts';
import { group, NOW, prng, TABLE, value } from './random-groups.test-support.ts';
import { compareSistersReference } from './reference.ts';

for (const { name, shape } of TABLE) {
  test(`fast path = straightforward comparison: ${name}`, () => {
    for (let seed = 1; seed <= 300; seed++) {
      const input = group(prng(seed * 7919 + name.length), shape);
      assert.deepStrictEqual(compareSisters(input), compareSistersReference(input), `seed ${seed}`);
    }
  });
}

test('no cells, with and without a golden snapshot', () => {
  const golden = { cell: 'x', hash: 'f'.repeat(64), entries: { 'server.softwareVersion': '1' } };
  for (const input of [
    { group: 'g', now: NOW, cells: [] },
    { group: 'g', now: NOW, cells: [], golden },
  ]) {
    assert.deepStrictEqual(compareSisters(input), compareSistersReference(input));
  }
});

test('sameClass agrees with classId on random values', () => {
  const r = prng(42);
  const pool = (): Json | undefined => (r.chance(0.1) ? undefined : value(r));
  for (let i = 0; i < 20_000; i++) {
    const a = pool();
    const b = r.chance(0.3) ? a : pool();
    assert.equal(sameClass(a, b), classId(a) === classId(b), `${classId(a)} vs ${classId(b)}`);
  }
});
