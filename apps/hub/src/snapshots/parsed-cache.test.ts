// The parsed-snapshot cache: the same content back by hash, least recently used evicted to stay
// within its key bound, never holding what alone exceeds it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SnapshotContent } from '@cellfleet/core';
import { createParsedSnapshotCache } from './parsed-cache.ts';

const content = (keys: number, tag = ''): SnapshotContent => ({
  format: 1,
  status: { state: 'complete', nodes: keys },
  entries: Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, `${tag}${i}`])),
});

test('returns the very content it was given, by hash', () => {
  const cache = createParsedSnapshotCache(100);
  const a = content(3, 'a');
  cache.set('h1', a);
  assert.equal(cache.get('h1'), a);
  assert.equal(cache.get('h2'), undefined);
  cache.set('h1', content(3, 'again')); // the same hash again: replaced, counted once
  assert.equal(cache.keys, 3);
  assert.equal(cache.size, 1);
});

test('evicts the least recently used to stay within its key bound', () => {
  const cache = createParsedSnapshotCache(10);
  cache.set('a', content(4));
  cache.set('b', content(4));
  assert.ok(cache.get('a')); // a is now more recent than b
  cache.set('c', content(4)); // 12 keys > 10: b goes
  assert.equal(cache.get('b'), undefined);
  assert.ok(cache.get('a'));
  assert.ok(cache.get('c'));
  assert.equal(cache.keys, 8);
  cache.set('d', content(10)); // needs the whole bound
  assert.deepEqual(
    ['a', 'c', 'd'].map((h) => cache.get(h) !== undefined),
    [false, false, true],
  );
  assert.equal(cache.keys, 10);
});

test('a snapshot larger than the whole bound is not kept and evicts nothing', () => {
  const cache = createParsedSnapshotCache(10);
  cache.set('a', content(5));
  cache.set('huge', content(11));
  assert.equal(cache.get('huge'), undefined);
  assert.ok(cache.get('a'));
  assert.equal(cache.keys, 5);
});
