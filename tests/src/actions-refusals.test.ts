// Issue 5 refusals, end to end. Each one leaves an audit record at the hub and changes nothing
// on the cell. Some are stopped at the hub's API (self-approval, approver without the role, an
// action never approved); the others are made to reach a real agent process by intercepting
// the hub's signer: after signing (a man in the middle: forged signature, tampered parameters,
// a replayed message) or before signing with the hub's real key (a compromised or buggy hub:
// another cell, no approvals, another window), so the agent's own checks are what stop them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCell } from '@cellfleet/cellsim';
import type { ActionBody, ActionView, CellDetail, ProposeActionRequest } from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import {
  type ActionRig,
  api,
  approve,
  auditOf,
  forge,
  interceptSigning,
  propose,
  SPEED,
  SPEED_KEY,
  settledRun,
  writeSpeed as speedWrite,
  startActionRig,
  type Tamper,
  type Users,
  windowIn,
} from './support/actions.ts';
import { type AgentProcess, spawnAgent, type TestHub } from './support/hub.ts';

let hub: TestHub;
let cell: RunningCell;
let users: Users;
let agent: AgentProcess;
let cellId: string;
let signer: ReturnType<typeof interceptSigning>;
let rig: ActionRig | undefined;

before(async () => {
  rig = await startActionRig('press-01', {
    maintenance: { scripts: { 'restart-runtime': { command: '/bin/true' } } },
  });
  ({ hub, users, cell } = rig);
  signer = interceptSigning(hub);
  const a = rig.enrolled;
  cellId = a.id;
  agent = spawnAgent(a.configPath);
  await waitFor('press-01 online', async () =>
    (await hub.get<CellDetail>(`/api/cells/${a.id}`)).online ? true : undefined,
  );
});
after(async () => {
  await agent?.kill('SIGKILL');
  await rig?.stop();
});

const writeSpeed = (value: number, window = windowIn(0, 60_000)) =>
  speedWrite(cellId, value, 'refusal test', window);

/** Proposes and approves a write of 150 that `tamper` alters on its way to the agent. */
async function refusedByAgent(tamper: Tamper, outcome: string, reason: string, request = writeSpeed(150)) {
  assert.equal(cell.readParameter(SPEED), 100);
  const id = await propose(hub, users, request);
  signer.on(id, tamper);
  await approve(hub, users, id);
  const run = await settledRun(hub, id, cellId);
  assert.deepEqual([run.outcome, run.result?.reason], [outcome, reason], run.result?.detail);
  const audit = await auditOf(hub, id);
  const result = audit.find((e) => e.event === 'action.result');
  assert.deepEqual(result?.data, { cell: cellId, outcome, reason, late: false });
  assert.equal(result?.actor, `agent:${cellId}`);
  assert.equal(cell.readParameter(SPEED), 100, 'nothing changed on the server');
  return run;
}

const at = Date.now();

describe('refused by the agent, reported to the hub and audited there', () => {
  test('forged signature (a key the agent never pinned)', async () => {
    await refusedByAgent((b) => forge(b), 'refused', 'bad-signature');
  });

  test('tampered parameters after signing', async () => {
    await refusedByAgent(
      (b) => {
        if (b.action.type !== 'write-parameters') return b;
        const writes = [{ path: SPEED_KEY, value: 999 }];
        return { ...b, action: { ...b.action, params: { ...b.action.params, writes } } };
      },
      'refused',
      'bad-signature',
    );
  });

  test('an action for another cell, validly signed', async () => {
    await refusedByAgent(
      (b, sign) => sign({ ...b.action, cell: 'plant1.lineA.press-99' }),
      'refused',
      'wrong-cell',
    );
  });

  test('expired: its window closed before it arrived (agent clock)', async () => {
    const window = { start: Date.now() - 120_000, end: Date.now() - 60_000 };
    await refusedByAgent(
      (b, sign) => sign({ ...b.action, window, expiresAt: window.end }),
      'expired',
      'window-closed',
    );
  });

  test('outside the window: it opens in an hour on the agent clock', async () => {
    const window = { start: Date.now() + 3_600_000, end: Date.now() + 7_200_000 };
    await refusedByAgent(
      (b, sign) => sign({ ...b.action, window, expiresAt: window.end }),
      'refused',
      'outside-window',
    );
  });

  test('unapproved, self-approved, approver without the role (a hub that skipped its checks)', async () => {
    await refusedByAgent((b, sign) => sign({ ...b.action, approvals: [] }), 'refused', 'unapproved');
    const self = [{ by: 'erin', role: 'approver' as const, at }];
    await refusedByAgent((b, sign) => sign({ ...b.action, approvals: self }), 'refused', 'self-approved');
    const engineer = [{ by: 'eve', role: 'engineer', at }] as unknown as ActionBody['action']['approvals'];
    await refusedByAgent(
      (b, sign) => sign({ ...b.action, approvals: engineer }),
      'refused',
      'invalid-action',
    );
  });

  test('unknown script name (not in the agent allowlist)', async () => {
    const request: ProposeActionRequest = {
      type: 'run-maintenance-script',
      params: { name: 'wipe-disk' },
      cells: [cellId],
      reason: 'refusal test',
      window: windowIn(0, 60_000),
    };
    await refusedByAgent((b) => b, 'refused', 'unknown-script', request);
  });

  test('replayed id: a captured, validly signed action sent again does not run twice', async () => {
    let captured: ActionBody | undefined;
    const first = await propose(hub, users, writeSpeed(110));
    signer.on(first, (b) => {
      captured = b;
      return b;
    });
    await approve(hub, users, first);
    assert.equal((await settledRun(hub, first, cellId)).outcome, 'succeeded');
    assert.equal(cell.readParameter(SPEED), 110);
    cell.setParameter(SPEED, 100); // someone set it back by hand; a replay must not redo the write
    const second = await propose(hub, users, writeSpeed(150));
    signer.on(second, () => captured!);
    await approve(hub, users, second);
    // The agent refuses `first` as replayed and says so; the hub audits that report.
    const audit = await waitFor('the replay refusal audited', async () => {
      const events = await auditOf(hub, first);
      return events.find((e) => e.event === 'action.result-refused');
    });
    assert.deepEqual((audit.data as { code: string }).code, 'duplicate-result');
    assert.equal(cell.readParameter(SPEED), 100, 'not written again');
    assert.match(agent.output(), /"reason":"replayed"/);
  });
});

describe('refused at the hub API, audited, never dispatched', () => {
  test('self-approval and an approver without the role', async () => {
    const id = await propose(hub, users, writeSpeed(150));
    const self = await api(hub, users.erin, 'POST', `/api/actions/${id}/approve`, {});
    assert.deepEqual([self.status, self.json.code], [403, 'missing-role']);
    const eve = await api(hub, users.eve, 'POST', `/api/actions/${id}/approve`, {});
    assert.deepEqual([eve.status, eve.json.code], [403, 'missing-role']);
    const annOwn = await propose(hub, { ...users, erin: users.ann }, writeSpeed(150));
    const own = await api(hub, users.ann, 'POST', `/api/actions/${annOwn}/approve`, {});
    assert.deepEqual([own.status, own.json.code], [403, 'self-approval']);
    for (const a of [id, annOwn]) {
      const events = (await auditOf(hub, a)).map((e) => e.event);
      assert.ok(events.includes('action.approve-refused'), events.join());
      assert.ok(!events.includes('action.dispatched'));
    }
    const own1 = (await auditOf(hub, annOwn)).find((e) => e.event === 'action.approve-refused');
    assert.deepEqual(
      [own1?.actor, (own1?.data as { code?: string } | undefined)?.code],
      ['ann', 'self-approval'],
    );
  });

  test('unapproved until its window closed: expired, never sent', async () => {
    const id = await propose(hub, users, writeSpeed(150, windowIn(0, 1500)));
    const view = await waitFor('expired', async () => {
      const a = await hub.get<ActionView>(`/api/actions/${id}`);
      return a.state === 'expired' ? a : undefined;
    });
    assert.equal(view.runs[0]?.attempts, 0);
    const events = (await auditOf(hub, id)).map((e) => e.event);
    assert.deepEqual(events, ['action.proposed', 'action.expired']);
    assert.equal(cell.readParameter(SPEED), 100);
  });
});
