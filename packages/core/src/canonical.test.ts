import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from './canonical.ts';

test('key order does not change the canonical form', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } }),
    '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}',
  );
  assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
});

test('undefined members are dropped, arrays keep order', () => {
  assert.equal(canonicalJson({ a: undefined, b: [3, 1, 2] }), '{"b":[3,1,2]}');
});

test('numbers and strings use their shortest JSON form', () => {
  assert.equal(canonicalJson([1.0, 0.1, 1e21, -0, 'é\n"']), '[1,0.1,1e+21,0,"é\\n\\""]');
});

test('values with no JSON form are refused, naming the path', () => {
  assert.throws(() => canonicalJson({ a: [1, Number.NaN] }), /\$\.a\[1\]: NaN/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /\$\.f: a function/);
});
