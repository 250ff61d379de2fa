import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActionResultBody } from '@cellfleet/protocol';
import { rolloutStages } from './rollout.ts';
import { planTick, recordResult } from './runs.ts';
import type { ActionRecord, Transition } from './types.ts';

const policy = { retryDelayMs: 100, resultGraceMs: 50 };
const window = { start: 1000, end: 2000 };

function scheduled(cells: string[], canary: string | null = null): ActionRecord {
  return {
    id: 'act-00000001',
    type: 'probe-now',
    params: {},
    state: 'scheduled',
    reason: 'test',
    proposedBy: 'erin',
    createdAt: 0,
    requiredApprovals: 0,
    approvals: [],
    rejection: null,
    cancellation: null,
    window: null,
    canary,
    stopReason: null,
    runs: cells.map((cell) => ({
      cell,
      state: 'pending',
      window,
      attempts: 0,
      dispatchedAt: null,
      nextAttemptAt: null,
      outcome: null,
      result: null,
      note: null,
    })),
  };
}

const result = (
  outcome: ActionResultBody['outcome'],
  extra: Partial<ActionResultBody> = {},
): ActionResultBody => ({
  actionId: 'act-00000001',
  outcome,
  ...extra,
});

function ok(t: Transition): ActionRecord {
  if (!t.ok) assert.fail(`refused: ${t.code}`);
  return t.action;
}

test('nothing is dispatched before the window opens; everything at window open', () => {
  const a = scheduled(['s.l.a', 's.l.b']);
  assert.deepEqual(planTick(a, 999, policy).dispatch, []);
  const t = planTick(a, 1000, policy);
  assert.deepEqual(t.dispatch, ['s.l.a', 's.l.b']);
  assert.equal(t.action.state, 'dispatched');
  assert.deepEqual(planTick(t.action, 1001, policy).dispatch, [], 'dispatched once');
});

test('a deferred result is retried inside the window, then expires with it', () => {
  let a = planTick(scheduled(['s.l.a']), 1000, policy).action;
  a = ok(
    recordResult(
      a,
      { cell: 's.l.a', body: result('deferred', { reason: 'cell-locked', retryAfterMs: 300 }), now: 1100 },
      policy,
    ),
  );
  assert.equal(a.runs[0]?.state, 'deferred');
  assert.deepEqual(planTick(a, 1399, policy).dispatch, []);
  const retry = planTick(a, 1400, policy);
  assert.deepEqual(retry.dispatch, ['s.l.a']);
  assert.equal(retry.action.runs[0]?.attempts, 2);
  a = ok(recordResult(retry.action, { cell: 's.l.a', body: result('deferred'), now: 1950 }, policy));
  const end = planTick(a, 2000, policy);
  assert.deepEqual(end.dispatch, []);
  assert.equal(end.action.state, 'expired');
});

test('a cell never reached expires when its window closes, and never runs', () => {
  const a = scheduled(['s.l.a']);
  const t = planTick(a, 2000, policy);
  assert.deepEqual(t.dispatch, []);
  assert.equal(t.action.state, 'expired');
  assert.ok(t.events.some((e) => e.event === 'action.run-expired'));
});

test('dispatched without a result expires after the grace; a late result still counts', () => {
  const d = planTick(scheduled(['s.l.a']), 1000, policy).action;
  assert.equal(planTick(d, 2049, policy).action.state, 'dispatched');
  const e = planTick(d, 2050, policy).action;
  assert.equal(e.state, 'expired');
  const late = ok(recordResult(e, { cell: 's.l.a', body: result('succeeded'), now: 2100 }));
  assert.equal(late.state, 'completed');
});

test('results: duplicates, unknown cells and never-sent runs are refused', () => {
  const a = scheduled(['s.l.a', 's.l.b']);
  const never = recordResult(a, { cell: 's.l.a', body: result('succeeded'), now: 1000 });
  assert.equal(never.ok === false && never.code, 'not-dispatched');
  const d = planTick(a, 1000, policy).action;
  const unknown = recordResult(d, { cell: 's.l.z', body: result('succeeded'), now: 1000 });
  assert.equal(unknown.ok === false && unknown.code, 'unknown-cell');
  const done = ok(recordResult(d, { cell: 's.l.a', body: result('succeeded'), now: 1100 }));
  const dup = recordResult(done, { cell: 's.l.a', body: result('refused'), now: 1100 });
  assert.equal(dup.ok === false && dup.code, 'duplicate-result');
  const all = ok(recordResult(done, { cell: 's.l.b', body: result('rolled-back'), now: 1200 }));
  assert.equal(all.state, 'completed');
});

test('staged rollout: canary first, the rest after it succeeded', () => {
  const a = scheduled(['s.l.a', 's.l.b', 's.l.c'], 's.l.b');
  assert.deepEqual(rolloutStages(['s.l.a', 's.l.b', 's.l.c'], 's.l.b'), [['s.l.b'], ['s.l.a', 's.l.c']]);
  const first = planTick(a, 1000, policy);
  assert.deepEqual(first.dispatch, ['s.l.b']);
  assert.deepEqual(planTick(first.action, 1010, policy).dispatch, []);
  const verified = ok(recordResult(first.action, { cell: 's.l.b', body: result('succeeded'), now: 1100 }));
  assert.deepEqual(planTick(verified, 1100, policy).dispatch, ['s.l.a', 's.l.c']);
});

test('staged rollout: a failed canary stops the rollout and says why', () => {
  const first = planTick(scheduled(['s.l.a', 's.l.b'], 's.l.a'), 1000, policy).action;
  const body = result('rolled-back', { reason: 'verify-failed', detail: 'ScanRate read back 250' });
  const stopped = ok(recordResult(first, { cell: 's.l.a', body, now: 1100 }));
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.stopReason, 'canary s.l.a rolled-back (verify-failed: ScanRate read back 250)');
  assert.equal(stopped.runs[1]?.state, 'skipped');
  assert.deepEqual(planTick(stopped, 1200, policy).dispatch, []);
});

test('an explicit window that closes before approval expires the proposal', () => {
  const a = { ...scheduled(['s.l.a']), state: 'proposed' as const, window: { start: 1000, end: 2000 } };
  assert.equal(planTick(a, 1999, policy).action.state, 'proposed');
  const t = planTick(a, 2000, policy);
  assert.equal(t.action.state, 'expired');
  assert.deepEqual(
    t.events.map((e) => e.event),
    ['action.expired'],
  );
});
