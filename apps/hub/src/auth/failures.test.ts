// Failed sign-ins are counted, not written one row each: what the tally hands the audit log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFailureTally } from './failures.ts';

const MIN = 60_000;

test('the first failure of an account and address is written at once, the rest as one count', () => {
  const tally = createFailureTally({ intervalMs: MIN, maxKeys: 100 });
  const first = tally.note('tina', '10.0.0.7', 0);
  assert.deepEqual(first, {
    actor: 'anonymous',
    event: 'auth.login-failed',
    subject: 'user:tina',
    data: { source: '10.0.0.7', count: 1, since: 0, last: 0 },
  });
  for (let i = 1; i < 60; i++) assert.equal(tally.note('tina', '10.0.0.7', i * 100), undefined);
  assert.deepEqual(tally.due(MIN - 1), [], 'the interval is still open');
  const rows = tally.due(MIN);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0]?.data, { source: '10.0.0.7', count: 59, since: 0, last: 5900 });
  assert.ok(tally.note('tina', '10.0.0.7', MIN + 1), 'a new interval starts with a row');
});

test('names nobody has are folded into one subject, never written as typed', () => {
  const tally = createFailureTally({ intervalMs: MIN, maxKeys: 100 });
  const rows = [];
  for (let i = 0; i < 500; i++) {
    const row = tally.note(undefined, '10.0.0.8', i);
    if (row) rows.push(row);
  }
  rows.push(...tally.due(Number.POSITIVE_INFINITY));
  assert.deepEqual(
    rows.map((r) => [r.subject, (r.data as { count: number }).count]),
    [
      ['user:(unknown)', 1],
      ['user:(unknown)', 499],
    ],
  );
});

test('rows per interval are bounded whatever the number of addresses', () => {
  const tally = createFailureTally({ intervalMs: MIN, maxKeys: 10 });
  let written = 0;
  for (let i = 0; i < 1000; i++) if (tally.note('tina', `10.0.${i >> 8}.${i & 255}`, i)) written++;
  const closing = tally.due(Number.POSITIVE_INFINITY);
  // 10 pairs and one "(many)" pair: each a first row; only "(many)" had more than one failure.
  assert.equal(written, 11);
  assert.deepEqual(
    closing.map((r) => [
      r.subject,
      (r.data as { source: string }).source,
      (r.data as { count: number }).count,
    ]),
    [['user:(unknown)', '(many)', 989]],
  );
});

test("a right password closes the account's intervals, so its next failure is written at once", () => {
  const tally = createFailureTally({ intervalMs: MIN, maxKeys: 100 });
  tally.note('pat', 'local', 0);
  tally.note('pat', 'local', 1);
  tally.note('ann', 'local', 2);
  const closed = tally.close('pat');
  assert.deepEqual(
    closed.map((r) => [r.subject, (r.data as { count: number }).count]),
    [['user:pat', 1]],
  );
  assert.ok(tally.note('pat', 'local', 3));
  assert.equal(tally.note('ann', 'local', 4), undefined, "ann's interval is still open");
});
