import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataType, VariantArrayType } from 'node-opcua';
import { coerceValue, sameValue, toNodeValue } from './nodes.ts';

const S = VariantArrayType.Scalar;
const A = VariantArrayType.Array;

test('requested values take the node data type, or are refused before anything is written', () => {
  const ok: [DataType, VariantArrayType, unknown, unknown][] = [
    [DataType.Double, S, 150, 150],
    [DataType.Double, S, '150.5', 150.5],
    [DataType.Int32, S, '250', 250],
    [DataType.Boolean, S, 'true', true],
    [DataType.String, S, 12, '12'],
    [DataType.Float, A, [1, '2'], [1, 2]],
  ];
  for (const [type, arr, value, expected] of ok)
    assert.deepEqual(coerceValue(type, arr, value as never), expected, `${DataType[type]} ${value}`);
  const bad: [DataType, VariantArrayType, unknown][] = [
    [DataType.Int32, S, 1.5],
    [DataType.Double, S, 'fast'],
    [DataType.Boolean, S, 'yes'],
    [DataType.Double, S, null],
    [DataType.Double, S, [1]],
    [DataType.Double, A, 1],
  ];
  for (const [type, arr, value] of bad) assert.throws(() => coerceValue(type, arr, value as never));
});

test('read-back comparison: Float compares at single precision; arrays element by element', () => {
  assert.ok(sameValue(DataType.Float, 0.1, Math.fround(0.1)));
  assert.ok(!sameValue(DataType.Double, 0.1, Math.fround(0.1)));
  assert.ok(sameValue(DataType.Int32, [1, 2], [1, 2]));
  assert.ok(!sameValue(DataType.Int32, [1, 2], [1, 3]));
  assert.ok(!sameValue(DataType.String, '1', 1));
  assert.deepEqual(toNodeValue(new Float32Array([1, 2])), [1, 2]);
  assert.equal(toNodeValue(10n), 10);
  assert.equal(toNodeValue(undefined), null);
});
