import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admitAction } from '@cellfleet/core';
import type { ActionBody, ProposeActionRequest } from '@cellfleet/protocol';
import { onBothDialects } from '../db/dialects.test-support.ts';
import { verifyActionSignature } from '../keys/keyring.ts';
import { startTestHub, type TestHub } from './test-support.ts';

const CELL = 'plant1.lineA.press-01';
const write: ProposeActionRequest = {
  type: 'write-parameters',
  params: {
    endpoint: 'kepware',
    source: { kind: 'sister-baseline', sisterGroup: 'presses' },
    writes: [{ path: '/Objects/2:Channel1/2:Press/2:ScanRate', value: 100, previous: 250 }],
  },
  cells: [CELL],
  reason: 'align ScanRate with the sister presses',
};
const t = (iso: string) => Date.parse(iso);

// The whole lifecycle over HTTP, on each engine; the cases share one hub and run in order.
onBothDialects('actions', (open) => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub(await open());
    // daily 02:00–04:00 Berlin: on 2025-06-15 that is 00:00–02:00Z.
    const w = await hub.request('admin', 'POST', '/api/windows', {
      name: 'night shift',
      site: 'plant1',
      spec: { kind: 'daily', start: '02:00', end: '04:00', timeZone: 'Europe/Berlin' },
    });
    assert.equal(w.status, 201);
  });
  after(() => hub.close());

  async function events(id: string): Promise<string[]> {
    return (await hub.audit.list({ subject: `action:${id}` })).map((e) => e.event);
  }

  async function proposeAs(user: string, request: ProposeActionRequest = write) {
    return hub.request(user, 'POST', '/api/actions', request);
  }

  test('roles: a viewer cannot propose; an engineer can; refusals are audited and change nothing', async () => {
    const byViewer = await proposeAs('vic');
    assert.equal(byViewer.status, 403);
    assert.equal(byViewer.json.code, 'missing-role');
    const p = await proposeAs('erin');
    assert.equal(p.status, 201);
    const id = p.json.id!;
    const refusals: [string, number, string][] = [
      ['vic', 403, 'missing-role'], // viewer
      ['erin', 403, 'missing-role'], // engineer, and the proposer
    ];
    for (const [user, status, code] of refusals) {
      const r = await hub.request(user, 'POST', `/api/actions/${id}/approve`, {});
      assert.deepEqual([r.status, r.json.code], [status, code], user);
    }
    const unauth = await hub.request('nobody', 'POST', `/api/actions/${id}/approve`, {});
    assert.equal(unauth.status, 401);
    assert.equal((await hub.actions.get(id)).state, 'proposed');
    assert.deepEqual(await events(id), [
      'action.proposed',
      'action.approve-refused',
      'action.approve-refused',
    ]);
  });

  test('self-approval is refused even for an approver, and audited', async () => {
    const p = await proposeAs('ann');
    const r = await hub.request('ann', 'POST', `/api/actions/${p.json.id}/approve`, {});
    assert.deepEqual([r.status, r.json.code], [403, 'self-approval']);
    assert.equal((await hub.actions.get(p.json.id!)).approvals.length, 0);
    assert.deepEqual(await events(p.json.id!), ['action.proposed', 'action.approve-refused']);
  });

  test('approved → scheduled into the window → dispatched signed at window open → result', async () => {
    hub.clock.now = t('2025-06-14T12:00:00Z');
    const id = (await proposeAs('erin')).json.id!;
    const a = await hub.request('ann', 'POST', `/api/actions/${id}/approve`, { comment: 'ok for tonight' });
    assert.equal(a.json.state, 'scheduled');
    const run = (await hub.actions.get(id)).runs[0]!;
    assert.deepEqual(run.window, { start: t('2025-06-15T00:00:00Z'), end: t('2025-06-15T02:00:00Z') });

    hub.sent.length = 0;
    assert.deepEqual((await hub.actions.tick(t('2025-06-14T23:59:59Z'))).dispatched, []);
    const tick = await hub.actions.tick(t('2025-06-15T00:00:00Z'));
    assert.deepEqual(tick.dispatched, [{ actionId: id, cell: CELL }]);
    const body = hub.sent[0]!.body;
    assert.equal(body.action.cell, CELL);
    assert.equal(body.action.expiresAt, t('2025-06-15T02:00:00Z'));
    assert.deepEqual(
      body.action.approvals.map((x) => x.by),
      ['ann'],
    );

    const pinned = await hub.keyring.list();
    const admitted = admitAction({
      action: body.action,
      signatureValid: verifyActionSignature(body, pinned),
      myCell: CELL,
      now: t('2025-06-15T00:00:05Z'),
      ledgerHas: () => false,
    });
    assert.equal(admitted.admit, true);

    const r = await hub.actions.recordResult(
      CELL,
      {
        actionId: id,
        outcome: 'succeeded',
        changes: [{ path: write.params.writes![0]!.path, before: 250, after: 100 }],
      },
      t('2025-06-15T00:01:00Z'),
    );
    assert.deepEqual(r, { ok: true });
    const done = (await hub.request('vic', 'GET', `/api/actions/${id}`)).json;
    assert.equal(done.state, 'completed');
    assert.deepEqual(await events(id), [
      'action.proposed',
      'action.approval-added',
      'action.approved',
      'action.scheduled',
      'action.dispatched',
      'action.result',
      'action.completed',
    ]);
  });

  test('agent-side refusals on a real signed envelope: tampered, forged, other cell, replayed, early, late', async () => {
    hub.clock.now = t('2025-06-15T12:00:00Z');
    const id = (await proposeAs('erin')).json.id!;
    await hub.request('bob', 'POST', `/api/actions/${id}/approve`, {});
    hub.sent.length = 0;
    await hub.actions.tick(t('2025-06-16T00:00:00Z'));
    const body = hub.sent[0]!.body;
    const pinned = await hub.keyring.list();
    const check = (b: ActionBody, o: { now?: number; cell?: string; seen?: boolean } = {}) => {
      const v = admitAction({
        action: b.action,
        signatureValid: verifyActionSignature(b, pinned),
        myCell: o.cell ?? CELL,
        now: o.now ?? t('2025-06-16T00:30:00Z'),
        ledgerHas: () => o.seen ?? false,
      });
      return v.admit ? 'admit' : `${v.outcome}:${v.reason}`;
    };
    const tampered = structuredClone(body);
    if (tampered.action.type === 'write-parameters') tampered.action.params.writes[0]!.value = 9999;
    const forged = { ...body, signature: Buffer.alloc(64, 7).toString('base64') };
    assert.equal(check(body), 'admit');
    assert.equal(check(tampered), 'refused:bad-signature');
    assert.equal(check(forged), 'refused:bad-signature');
    assert.equal(
      check({ ...body, action: { ...body.action, cell: 'plant1.lineA.press-02' } }),
      'refused:bad-signature',
    );
    assert.equal(check(body, { cell: 'plant1.lineA.press-02' }), 'refused:wrong-cell');
    assert.equal(check(body, { seen: true }), 'refused:replayed');
    assert.equal(check(body, { now: t('2025-06-15T23:59:00Z') }), 'refused:outside-window');
    assert.equal(check(body, { now: t('2025-06-16T02:00:00Z') }), 'expired:window-closed');

    // The agent reports its refusal; the hub records it and the audit log keeps the reason.
    await hub.actions.recordResult(
      CELL,
      { actionId: id, outcome: 'refused', reason: 'bad-signature' },
      t('2025-06-16T00:31:00Z'),
    );
    const last = (await hub.audit.list({ subject: `action:${id}` })).find((e) => e.event === 'action.result');
    assert.deepEqual(last?.data, { cell: CELL, outcome: 'refused', reason: 'bad-signature', late: false });
  });

  test('an action whose window closes before the agent is reached expires and is never sent', async () => {
    hub.clock.now = t('2025-06-20T12:00:00Z');
    const id = (await proposeAs('erin')).json.id!;
    await hub.request('ann', 'POST', `/api/actions/${id}/approve`, {});
    hub.sent.length = 0;
    // The hub was down all window long; the first tick after it finds the window closed.
    await hub.actions.tick(t('2025-06-21T02:00:00Z'));
    assert.equal(hub.sent.length, 0);
    assert.equal((await hub.actions.get(id)).state, 'expired');
    assert.ok((await events(id)).includes('action.run-expired'));
  });

  test('deferred results are retried inside the window', async () => {
    hub.clock.now = t('2025-06-22T12:00:00Z');
    const id = (await proposeAs('erin')).json.id!;
    await hub.request('ann', 'POST', `/api/actions/${id}/approve`, {});
    await hub.actions.tick(t('2025-06-23T00:00:00Z'));
    await hub.actions.recordResult(
      CELL,
      { actionId: id, outcome: 'deferred', reason: 'cell-locked', retryAfterMs: 120_000 },
      t('2025-06-23T00:00:10Z'),
    );
    hub.sent.length = 0;
    await hub.actions.tick(t('2025-06-23T00:01:00Z'));
    assert.equal(hub.sent.length, 0);
    await hub.actions.tick(t('2025-06-23T00:02:10Z'));
    assert.equal(hub.sent.length, 1);
    assert.equal((await hub.actions.get(id)).runs[0]?.attempts, 2);
  });

  test('cancel before dispatch; not after', async () => {
    hub.clock.now = t('2025-06-24T12:00:00Z');
    const id = (await proposeAs('erin')).json.id!;
    await hub.request('ann', 'POST', `/api/actions/${id}/approve`, {});
    const other = await hub.request('vic', 'POST', `/api/actions/${id}/cancel`, { reason: 'not mine' });
    assert.equal(other.json.code, 'not-proposer');
    const c = await hub.request('erin', 'POST', `/api/actions/${id}/cancel`, {
      reason: 'line runs a rush order',
    });
    assert.equal(c.json.state, 'cancelled');
    hub.sent.length = 0;
    await hub.actions.tick(t('2025-06-25T00:30:00Z'));
    assert.equal(hub.sent.length, 0);

    const id2 = (await proposeAs('erin')).json.id!;
    await hub.request('ann', 'POST', `/api/actions/${id2}/approve`, {});
    await hub.actions.tick(t('2025-06-25T00:30:00Z'));
    const late = await hub.request('erin', 'POST', `/api/actions/${id2}/cancel`, { reason: 'too late' });
    assert.deepEqual([late.status, late.json.code], [409, 'wrong-state']);
  });

  test('a mutating action for a cell without a window is refused at proposal', async () => {
    const r = await proposeAs('erin', { ...write, cells: ['plant9.lineZ.cell-1'] });
    assert.deepEqual([r.status, r.json.code], [422, 'no-window']);
  });

  test('read-only actions need no approval and no window', async () => {
    hub.clock.now = t('2025-06-26T12:00:00Z');
    const p = await proposeAs('erin', {
      type: 'probe-now',
      params: {},
      cells: ['plant9.lineZ.cell-1'],
      reason: 'check now',
    });
    assert.equal(p.json.state, 'scheduled');
    hub.sent.length = 0;
    await hub.actions.tick(hub.clock.now);
    assert.equal(hub.sent[0]?.cell, 'plant9.lineZ.cell-1');
  });

  test('staged rollout: canary first; a failed canary stops the others with a reason', async () => {
    hub.clock.now = t('2025-06-27T12:00:00Z');
    const cells = ['plant1.lineA.press-01', 'plant1.lineA.press-02', 'plant1.lineB.press-03'];
    const id = (await proposeAs('erin', { ...write, cells, canary: 'plant1.lineA.press-02' })).json.id!;
    await hub.request('ann', 'POST', `/api/actions/${id}/approve`, {});
    hub.sent.length = 0;
    await hub.actions.tick(t('2025-06-28T00:00:00Z'));
    assert.deepEqual(
      hub.sent.map((s) => s.cell),
      ['plant1.lineA.press-02'],
    );
    await hub.actions.recordResult(
      'plant1.lineA.press-02',
      { actionId: id, outcome: 'rolled-back', reason: 'verify-failed', detail: 'ScanRate read back 250' },
      t('2025-06-28T00:05:00Z'),
    );
    await hub.actions.tick(t('2025-06-28T00:06:00Z'));
    assert.equal(hub.sent.length, 1);
    const a = await hub.actions.get(id);
    assert.equal(a.state, 'stopped');
    assert.match(a.stopReason ?? '', /canary plant1.lineA.press-02 rolled-back \(verify-failed/);
  });

  test('results for unknown actions or cells are refused and audited', async () => {
    const r = await hub.actions.recordResult(
      CELL,
      { actionId: 'no-such-action', outcome: 'succeeded' },
      hub.clock.now,
    );
    assert.equal(r.ok, false);
    assert.equal(
      (await hub.audit.list({ subject: 'action:no-such-action' }))[0]?.event,
      'action.result-refused',
    );
    const [done] = await hub.actions.list({ state: 'completed' });
    const stranger = await hub.actions.recordResult(
      'plant7.lineQ.cell-9',
      { actionId: done!.id, outcome: 'succeeded' },
      hub.clock.now,
    );
    assert.deepEqual(stranger, {
      ok: false,
      code: 'unknown-cell',
      message: `plant7.lineQ.cell-9 is not a target of action ${done!.id}`,
    });
    assert.equal((await events(done!.id)).at(-1), 'action.result-refused');
  });

  test('the whole audit chain still verifies after all of the above', async () => {
    const v = await hub.audit.verify();
    assert.equal(v.ok, true);
  });
});
