import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitIgnition } from './ignition.ts';
import { PROFILES } from './index.ts';
import { extraIndexPath, isOmitted, splitDotted } from './model.ts';

describe('vendor paths', () => {
  it('splits dotted Kepware paths', () => {
    assert.deepEqual(splitDotted('Channel1.Device1.Recipe.Speed'), {
      parent: 'Channel1.Device1.Recipe',
      name: 'Speed',
    });
    assert.deepEqual(splitDotted('Channel1'), { parent: '', name: 'Channel1' });
  });

  for (const [path, parent, name] of [
    ['[PLC1]DB1.Speed', '[PLC1]DB1', 'Speed'],
    ['[PLC1]DB1', '[PLC1]', 'DB1'],
    ['[PLC1]Connected', '[PLC1]', 'Connected'],
    ['[PLC1]', 'Devices', 'PLC1'],
    ['Devices', '', 'Devices'],
  ] as const) {
    it(`splits Ignition ${path}`, () => assert.deepEqual(splitIgnition(path), { parent, name }));
  }

  it('omits tags, groups and whole devices', () => {
    assert.ok(isOmitted('Channel2.Device1.Drive.RampTimeS', ['Channel2']));
    assert.ok(isOmitted('Channel1.Device1.Recipe.Speed', ['Channel1.Device1.Recipe.Speed']));
    assert.ok(!isOmitted('Channel1.Device1.Recipe.SpeedMax', ['Channel1.Device1.Recipe.Speed']));
    assert.ok(isOmitted('[PLC2]HR100.SpeedSetpoint', ['[PLC2]']));
    assert.ok(!isOmitted('[PLC1]DB1.Speed', ['[PLC2]']));
  });

  it('numbers extra nodes in groups of 1000', () => {
    assert.equal(extraIndexPath('PLC.Extra', 0), 'PLC.Extra.G000.Tag000000');
    assert.equal(extraIndexPath('PLC.Extra', 99_999), 'PLC.Extra.G099.Tag099999');
  });

  it('gives every tag a unique path whose folders resolve to the Objects folder', () => {
    for (const [kind, profile] of Object.entries(PROFILES)) {
      const paths = profile.tags.map((t) => t.path);
      assert.equal(new Set(paths).size, paths.length, `${kind} has duplicate tag paths`);
      for (const path of paths) {
        let p = path;
        for (let depth = 0; p !== ''; depth++) {
          assert.ok(depth < 10, `${kind}: ${path} does not reach the root`);
          p = profile.split(p).parent;
        }
      }
      assert.ok(paths.includes(profile.largeTag), `${kind} largeTag exists`);
    }
  });
});
