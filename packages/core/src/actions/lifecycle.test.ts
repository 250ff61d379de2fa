import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProposeActionRequest } from '@cellfleet/protocol';
import { approve, cancel, propose, reject, schedule } from './lifecycle.ts';
import type { Actor } from './roles.ts';
import type { ActionRecord, Transition } from './types.ts';

const eng: Actor = { name: 'erin', role: 'engineer' };
const ann: Actor = { name: 'ann', role: 'approver' };
const bob: Actor = { name: 'bob', role: 'approver' };
const vic: Actor = { name: 'vic', role: 'viewer' };

export const writeRequest: ProposeActionRequest = {
  type: 'write-parameters',
  params: {
    endpoint: 'kepware',
    source: { kind: 'sister-baseline', sisterGroup: 'press' },
    writes: [{ path: '/Objects/2:Channel1/2:Device1/2:ScanRate', value: 100, previous: 250 }],
  },
  cells: ['plant.l1.c1'],
  reason: 'align with sisters',
};

function ok(t: Transition): ActionRecord {
  if (!t.ok) assert.fail(`refused: ${t.code} ${t.message}`);
  return t.action;
}

function proposed(requiredApprovals = 1, request = writeRequest): ActionRecord {
  return ok(propose({ id: 'act-00000001', actor: eng, request, now: 1000, requiredApprovals }));
}

test('propose: engineers propose; viewers cannot; parameters are checked', () => {
  const a = proposed();
  assert.equal(a.state, 'proposed');
  assert.equal(a.requiredApprovals, 1);
  assert.deepEqual(
    a.runs.map((r) => r.state),
    ['pending'],
  );
  const byViewer = propose({
    id: 'act-00000002',
    actor: vic,
    request: writeRequest,
    now: 0,
    requiredApprovals: 1,
  });
  assert.equal(byViewer.ok === false && byViewer.code, 'missing-role');
  const twice = {
    ...writeRequest,
    params: {
      ...writeRequest.params,
      writes: [writeRequest.params.writes[0], writeRequest.params.writes[0]],
    },
  } as ProposeActionRequest;
  const dup = propose({ id: 'act-00000003', actor: eng, request: twice, now: 0, requiredApprovals: 1 });
  assert.equal(dup.ok === false && dup.field, 'params.writes[1].path');
  const shell = {
    ...writeRequest,
    type: 'run-maintenance-script',
    params: { name: 'rm -rf /' },
  } as ProposeActionRequest;
  const bad = propose({ id: 'act-00000004', actor: eng, request: shell, now: 0, requiredApprovals: 1 });
  assert.equal(bad.ok === false && bad.code, 'invalid-parameters');
});

test('propose: a mutating action needs at least one approval whatever the policy says', () => {
  assert.equal(proposed(0).requiredApprovals, 1);
  const probe = propose({
    id: 'act-00000005',
    actor: eng,
    request: { type: 'probe-now', params: {}, cells: ['plant.l1.c1'], reason: 'check now' },
    now: 0,
    requiredApprovals: 0,
  });
  assert.equal(ok(probe).state, 'approved');
});

test('approve: the proposer, viewers, engineers and repeat approvers are refused', () => {
  const a = proposed(2);
  const refusals: [Actor, string][] = [
    [{ name: 'erin', role: 'admin' }, 'self-approval'],
    [vic, 'missing-role'],
    [{ name: 'eve', role: 'engineer' }, 'missing-role'],
  ];
  for (const [actor, code] of refusals) {
    const r = approve(a, actor, 2000);
    assert.equal(r.ok === false && r.code, code, actor.name);
  }
  const once = ok(approve(a, ann, 2000));
  assert.equal(once.state, 'proposed');
  const again = approve(once, ann, 2001);
  assert.equal(again.ok === false && again.code, 'duplicate-approval');
  const twice = approve(once, bob, 2002);
  assert.equal(ok(twice).state, 'approved');
  assert.deepEqual(twice.ok && twice.events.map((e) => e.event), [
    'action.approval-added',
    'action.approved',
  ]);
  const late = approve(ok(twice), { name: 'cy', role: 'approver' }, 3000);
  assert.equal(late.ok === false && late.code, 'wrong-state');
});

test('reject and cancel', () => {
  const a = proposed();
  assert.equal(ok(reject(a, ann, 2000, 'not in this shift')).state, 'rejected');
  const byEngineer = reject(a, { name: 'eve', role: 'engineer' }, 2000, 'no');
  assert.equal(byEngineer.ok === false && byEngineer.code, 'missing-role');
  assert.equal(ok(cancel(a, eng, 2000, 'wrong cell')).state, 'cancelled');
  const other = cancel(a, { name: 'eve', role: 'engineer' }, 2000, 'mine now');
  assert.equal(other.ok === false && other.code, 'not-proposer');
  const dispatched = { ...a, state: 'scheduled' as const, runs: a.runs.map((r) => ({ ...r, attempts: 1 })) };
  const tooLate = cancel(dispatched, eng, 2000, 'stop');
  assert.equal(tooLate.ok === false && tooLate.code, 'already-dispatched');
});

test('schedule pins every cell to a window occurrence, or refuses', () => {
  const a = ok(approve(proposed(), ann, 2000));
  const missing = schedule(a, new Map(), 2000);
  assert.equal(missing.ok === false && missing.code, 'no-window');
  const s = ok(schedule(a, new Map([['plant.l1.c1', { start: 5000, end: 9000 }]]), 2000));
  assert.equal(s.state, 'scheduled');
  assert.deepEqual(s.runs[0]?.window, { start: 5000, end: 9000 });
});
