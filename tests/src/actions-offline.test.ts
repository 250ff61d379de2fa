// An action approved and dispatched while its agent is offline is not lost: agents use clean
// MQTT sessions, so the hub re-sends unanswered runs when the cell's birth arrives, and the
// agent's ledger makes sure a repeat never runs twice.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCell } from '@cellfleet/cellsim';
import type { ActionView, CellDetail } from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import {
  type ActionRig,
  approve,
  auditOf,
  propose,
  SPEED,
  settledRun,
  startActionRig,
  type Users,
  windowIn,
  writeSpeed,
} from './support/actions.ts';
import { type AgentProcess, spawnAgent, type TestHub } from './support/hub.ts';

let hub: TestHub;
let cell: RunningCell;
let users: Users;
let config: { configPath: string; id: string };
let rig: ActionRig | undefined;
const agents: AgentProcess[] = [];

const online = async (want: boolean) =>
  waitFor(`agent ${want ? 'online' : 'offline'}`, async () =>
    (await hub.get<CellDetail>(`/api/cells/${config.id}`)).online === want ? true : undefined,
  );

before(async () => {
  rig = await startActionRig('press-07');
  ({ hub, users, cell, enrolled: config } = rig);
});
after(async () => {
  await Promise.all(agents.map((a) => a.kill('SIGKILL')));
  await rig?.stop();
});

describe('actions for an offline agent', () => {
  test('dispatched while the agent is down, run exactly once when it comes back', async () => {
    const first = spawnAgent(config.configPath);
    agents.push(first);
    await online(true);
    await first.kill('SIGTERM');
    await online(false);

    const id = await propose(
      hub,
      users,
      writeSpeed(config.id, 125, 'recipe change while the agent is down', windowIn(0, 120_000)),
    );
    await approve(hub, users, id);
    await settledRun(hub, id, config.id, (r) => r.state === 'dispatched');
    assert.equal(cell.readParameter(SPEED), 100, 'nothing can have run yet');

    agents.push(spawnAgent(config.configPath));
    const run = await settledRun(hub, id, config.id, undefined, 30_000);
    assert.equal(run.outcome, 'succeeded');
    assert.equal(cell.readParameter(SPEED), 125);
    const events = (await auditOf(hub, id)).map((e) => e.event);
    assert.ok(events.includes('action.redispatched'), `re-sent on birth (${events.join(', ')})`);
    const action = await hub.get<ActionView>(`/api/actions/${id}`);
    assert.equal(action.runs[0]?.attempts, 1, 'one dispatch attempt; the re-send is not a new attempt');
  });
});
