import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hangGuardMs, judgeHost } from './watchdog.ts';

const probe = { timeoutMs: 4000, graceMs: 3000 };

test('judgeHost: a host is stopped for silence past its deadline, or at the hang guard', () => {
  const cases: Array<[string, number, number, string]> = [
    // what, elapsed, silent, verdict
    ['within its timeout, silent', 3000, 3000, 'working'],
    ['past timeout + grace but beating (starved, not dead)', 7500, 250, 'working'],
    ['past timeout + grace, silent just under the limit', 7500, 2999, 'working'],
    ['past timeout + grace, silent for the grace', 7500, 3000, 'stalled'],
    ['silent long before its deadline', 6900, 6900, 'working'],
    ['beating, at the hang guard', 11_000, 100, 'working'],
    ['beating, past the hang guard', 11_001, 100, 'hung'],
  ];
  for (const [what, elapsedMs, silentMs, verdict] of cases)
    assert.equal(judgeHost({ ...probe, elapsedMs, silentMs }), verdict, what);
});

test('judgeHost: the silence limit is never under 1 s, even with a short grace', () => {
  const short = { timeoutMs: 1000, graceMs: 200 };
  assert.equal(judgeHost({ ...short, elapsedMs: 1500, silentMs: 900 }), 'working');
  assert.equal(judgeHost({ ...short, elapsedMs: 1500, silentMs: 1000 }), 'stalled');
});

test('hangGuardMs is twice the timeout plus grace', () => {
  assert.equal(hangGuardMs(4000, 3000), 11_000);
  assert.equal(hangGuardMs(1500, 3000), 6000);
});
