import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ChangesViewState,
  DEFAULT_CHANGES_VIEW,
  decodeChangesView,
  encodeChangesView,
  rangeMs,
} from './changes-url.ts';

test('the change feed filters survive the round trip through the address, defaults left out', () => {
  const views: ChangesViewState[] = [
    { ...DEFAULT_CHANGES_VIEW },
    { range: '7d', kind: 'drift', site: 'plant1', line: 'line-a', group: 'presses', cell: 'press-0' },
    { ...DEFAULT_CHANGES_VIEW, cell: 'a&b=c #1' },
  ];
  for (const v of views) assert.deepEqual(decodeChangesView(encodeChangesView(v)), v);
  assert.equal(encodeChangesView(DEFAULT_CHANGES_VIEW), '');
  assert.equal(
    encodeChangesView({ ...DEFAULT_CHANGES_VIEW, range: '1h', kind: 'action' }),
    'range=1h&kind=action',
  );
  assert.equal(rangeMs('7d'), 7 * 86_400_000);
});

test('a hand-edited or hostile change-feed address falls back to the defaults, field by field', () => {
  assert.deepEqual(decodeChangesView('?range=forever&kind=__proto__&group=presses'), {
    ...DEFAULT_CHANGES_VIEW,
    group: 'presses',
  });
  assert.equal(decodeChangesView(`cell=${'x'.repeat(5000)}`).cell.length, 200);
  assert.deepEqual(decodeChangesView('%%%&&=='), DEFAULT_CHANGES_VIEW);
});
