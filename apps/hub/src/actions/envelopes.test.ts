// Issue 12 finding 4 at the hub: a result settles a run only when it names an envelope the hub
// sent; a refusal of one it never sent is a security incident on the cell, not the outcome.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ActionBody, ActionResultBody, ProposeActionRequest } from '@cellfleet/protocol';
import { onBothDialects } from '../db/dialects.test-support.ts';
import { envelopeDigest } from './envelopes.ts';
import { startTestHub, type TestHub } from './test-support.ts';

const CELL = 'plant1.lineA.press-01';
const probe: ProposeActionRequest = { type: 'probe-now', params: {}, cells: [CELL], reason: 'check' };

onBothDialects('action envelopes', (open) => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub(await open());
  });
  after(() => hub.close());

  /** Proposes a read-only action (no approval needed) and dispatches it; returns what was sent. */
  async function dispatched(): Promise<{ id: string; body: ActionBody }> {
    const id = (await hub.request('erin', 'POST', '/api/actions', probe)).json.id!;
    hub.sent.length = 0;
    await hub.actions.tick(hub.clock.now);
    const body = hub.sent.find((s) => s.body.action.id === id)?.body;
    assert.ok(body, 'dispatched');
    return { id, body };
  }

  const runOf = async (id: string) => (await hub.actions.get(id)).runs[0]!;

  test('a refused forged copy is an incident on the cell; the genuine success settles the run', async () => {
    const { id, body } = await dispatched();
    const first = body.signature.startsWith('A') ? 'B' : 'A';
    const forged: ActionBody = { ...body, signature: `${first}${body.signature.slice(1)}` };
    const refusal: ActionResultBody = {
      actionId: id,
      outcome: 'refused',
      reason: 'bad-signature',
      envelopeDigest: envelopeDigest(forged),
    };
    const r = await hub.actions.recordResult(CELL, refusal, hub.clock.now);
    assert.deepEqual([r.ok, !r.ok && r.code], [false, 'unsent-envelope']);
    assert.equal((await runOf(id)).state, 'dispatched', 'not the outcome');
    const incidents = await hub.audit.list({ subject: `cell:${CELL}` });
    const incident = incidents.find((e) => e.event === 'security.unsent-envelope');
    assert.deepEqual(incident?.data, {
      action: id,
      outcome: 'refused',
      reason: 'bad-signature',
      digest: refusal.envelopeDigest,
    });
    assert.equal(incident?.actor, `agent:${CELL}`);

    const success: ActionResultBody = {
      actionId: id,
      outcome: 'succeeded',
      envelopeDigest: envelopeDigest(body),
    };
    assert.deepEqual(await hub.actions.recordResult(CELL, success, hub.clock.now), { ok: true });
    const run = await runOf(id);
    assert.deepEqual([run.state, run.outcome], ['done', 'succeeded']);
    const events = (await hub.audit.list({ subject: `action:${id}` })).map((e) => e.event);
    assert.ok(!events.includes('action.result-refused'), events.join());
  });

  test('every send of a run is genuine: a result naming a re-send settles it', async () => {
    const { id } = await dispatched();
    hub.sent.length = 0;
    assert.equal(await hub.actions.resendUnanswered(CELL, hub.clock.now + 1), 1);
    const again = hub.sent[0]!.body;
    const result: ActionResultBody = {
      actionId: id,
      outcome: 'succeeded',
      envelopeDigest: envelopeDigest(again),
    };
    assert.deepEqual(await hub.actions.recordResult(CELL, result, hub.clock.now + 2), { ok: true });
  });

  test('an agent from before the digest (none in its result) settles the run as before', async () => {
    const { id } = await dispatched();
    const legacy: ActionResultBody = { actionId: id, outcome: 'refused', reason: 'bad-signature' };
    assert.deepEqual(await hub.actions.recordResult(CELL, legacy, hub.clock.now), { ok: true });
    assert.equal((await runOf(id)).outcome, 'refused');
  });
});
