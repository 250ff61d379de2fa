import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';

test('ceiling doubles from the base and stops at the cap', () => {
  const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 8, 50, 5000].map((a) => backoffCeiling(a));
  assert.deepEqual(ceilings, [200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
});

test('full jitter spans 0 up to the ceiling', () => {
  assert.equal(backoffDelay(3, 0), 0);
  assert.equal(backoffDelay(3, 0.5), 800);
  assert.equal(backoffDelay(3, 0.999999), 1599);
  assert.equal(backoffDelay(100, 0.5), DEFAULT_BACKOFF.capMs / 2);
});

test('a custom policy is honoured', () => {
  assert.equal(backoffCeiling(2, { baseMs: 10, capMs: 35 }), 35);
  assert.equal(backoffCeiling(1, { baseMs: 10, capMs: 35 }), 20);
});

test('bad input is refused with the value at fault', () => {
  assert.throws(() => backoffCeiling(-1), /attempt must be a non-negative integer, got -1/);
  assert.throws(() => backoffCeiling(1.5), /got 1.5/);
  assert.throws(() => backoffDelay(1, 1), /random must be in \[0, 1\), got 1/);
  assert.throws(() => backoffDelay(1, Number.NaN), /got NaN/);
});
