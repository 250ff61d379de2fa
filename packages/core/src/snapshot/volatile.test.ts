import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDateFollowsStart } from './volatile.ts';

const START = '2025-06-01T12:00:00.000Z';
const CASES: [string, unknown, unknown, boolean][] = [
  ['equal to StartTime', START, START, true],
  ['a second after StartTime (set while starting)', '2025-06-01T12:00:01.000Z', START, true],
  ['read later than StartTime (set on each read)', '2025-06-01T15:00:00.000Z', START, true],
  ['five minutes before StartTime (slow start)', '2025-06-01T11:55:00.000Z', START, true],
  ['a real build date, months before', '2024-11-05T00:00:00.000Z', START, false],
  ['an hour before', '2025-06-01T11:00:00.000Z', START, false],
  ['no StartTime', START, undefined, false],
  ['not a date', 'yesterday', START, false],
];
for (const [name, build, start, expected] of CASES) {
  test(`BuildDate ${name}: ${expected ? 'volatile' : 'configuration'}`, () => {
    assert.equal(buildDateFollowsStart(build, start), expected);
  });
}
