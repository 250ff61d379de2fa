import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alteredValue, coerceParameter, createCellState } from './state.ts';
import { PROFILES } from './vendors/index.ts';
import type { TagDef } from './vendors/model.ts';

const tag = (type: TagDef['type']): TagDef => ({ path: 'A.B', type, role: 'parameter' });

describe('coerceParameter', () => {
  for (const [type, input, expected] of [
    ['Double', '12.5', 12.5],
    ['Double', 7, 7],
    ['Int32', '42', 42],
    ['UInt32', 0, 0],
    ['Boolean', 'true', true],
    ['Boolean', '0', false],
    ['String', 12, '12'],
  ] as const) {
    it(`${type} accepts ${JSON.stringify(input)}`, () =>
      assert.equal(coerceParameter(tag(type), input), expected));
  }
  for (const [type, input] of [
    ['Double', 'fast'],
    ['Double', ''],
    ['Int32', 1.5],
    ['UInt32', -1],
    ['Boolean', 'yes'],
  ] as const) {
    it(`${type} rejects ${JSON.stringify(input)} naming the tag`, () =>
      assert.throws(() => coerceParameter(tag(type), input), /parameter A\.B: expected a value of type/));
  }
});

describe('cell state', () => {
  it('alters written values deterministically', () => {
    assert.equal(alteredValue(120), 121);
    assert.equal(alteredValue(true), false);
    assert.equal(alteredValue('Auto'), 'Auto~');
  });

  it('refuses unknown parameter overrides', () => {
    assert.throws(
      () =>
        createCellState(PROFILES.kepware, { kind: 'kepware', name: 'x', parameters: { 'Channel9.Nope': 1 } }),
      /unknown parameter tag: Channel9\.Nope/,
    );
  });

  it('applies write faults only to client writes', () => {
    const state = createCellState(PROFILES.generic, {
      kind: 'generic',
      name: 'x',
      faults: ['write-refused'],
    });
    assert.equal(state.writeFromClient('PLC.Recipe.Speed', 1), 'refused');
    state.setParameter('PLC.Recipe.Speed', 5);
    assert.equal(state.readParameter('PLC.Recipe.Speed'), 5);
    state.setFaults(['write-altered']);
    assert.equal(state.writeFromClient('PLC.Recipe.Speed', 10), 'stored');
    assert.equal(state.readParameter('PLC.Recipe.Speed'), 11);
  });

  it('skews the clock only under clock-skew, and tracks how long a fault has been on', () => {
    const state = createCellState(PROFILES.kepware, { kind: 'kepware', name: 'x', clockSkewMs: 60_000 });
    assert.ok(Math.abs(state.context.now().getTime() - Date.now()) < 1000);
    assert.equal(state.context.faultAgeMs('clock-skew'), undefined);
    state.setFaults(['clock-skew']);
    assert.ok(Math.abs(state.context.now().getTime() - Date.now() - 60_000) < 1000);
    assert.ok((state.context.faultAgeMs('clock-skew') ?? -1) >= 0);
  });

  it('derives the build number from an overridden software version', () => {
    const state = createCellState(PROFILES.kepware, {
      kind: 'kepware',
      name: 'x',
      softwareVersion: '6.14.263',
    });
    assert.equal(state.context.buildNumber, '6.14.263.216');
  });
});
