import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FLEET_VIEW, decodeFleetView, encodeFleetView, type FleetViewState } from './fleet-url.ts';

test('a view survives the round trip through the address, defaults left out', () => {
  const views: FleetViewState[] = [
    { ...DEFAULT_FLEET_VIEW },
    { text: 'weld & press #2', state: 'fault', by: 'line', code: 'port-closed', vendor: 'kepware' },
    { ...DEFAULT_FLEET_VIEW, vendor: 'unknown' },
  ];
  for (const v of views) assert.deepEqual(decodeFleetView(encodeFleetView(v)), v);
  assert.equal(encodeFleetView(DEFAULT_FLEET_VIEW), '');
  assert.equal(
    encodeFleetView({ ...DEFAULT_FLEET_VIEW, state: 'offline', by: 'site' }),
    'state=offline&by=site',
  );
});

test('a hand-edited or hostile address falls back to the defaults, field by field', () => {
  assert.deepEqual(decodeFleetView('?state=exploded&by=__proto__&code=&q=x'), {
    ...DEFAULT_FLEET_VIEW,
    text: 'x',
  });
  assert.equal(decodeFleetView(`q=${'a'.repeat(5000)}`).text.length, 200);
  assert.deepEqual(decodeFleetView('%%%&&=='), DEFAULT_FLEET_VIEW);
});
