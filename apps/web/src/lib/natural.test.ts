import assert from 'node:assert/strict';
import { test } from 'node:test';
import { naturalSort } from './natural.ts';

test('numbers inside names sort by value, letters without regard to case', () => {
  assert.deepEqual(naturalSort(['group-10', 'group-2', 'Group-1', 'group-1', 'alpha', 'line-b', 'Line-A']), [
    'alpha',
    'Group-1',
    'group-1',
    'group-2',
    'group-10',
    'Line-A',
    'line-b',
  ]);
  assert.deepEqual(naturalSort(['press-010', 'press-9', 'plant2.line-1', 'plant10.line-1']), [
    'plant2.line-1',
    'plant10.line-1',
    'press-9',
    'press-010',
  ]);
});
