// Issue 5: the agent is killed (SIGKILL) in the middle of a write-parameters action, between
// the rollback point and the verification. On restart the ledger shows the action in progress;
// the agent verifies the cell, rolls back when needed, reports, and never runs it twice.
// The kill points come from the test-only pauses CELLFLEET_TEST_PAUSE_AFTER_SNAPSHOT_MS and
// CELLFLEET_TEST_PAUSE_AFTER_WRITE_MS (apps/agent/src/actions/executor.ts).
// One enrolled agent is restarted from test to test, so each restart also settles the previous kill.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import type { RunningCell } from '@cellfleet/cellsim';
import type { ActionView } from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import {
  type ActionRig,
  approve,
  propose,
  SPEED,
  SPEED_KEY,
  settledRun,
  writeSpeed as speedWrite,
  startActionRig,
  type Users,
  windowIn,
} from './support/actions.ts';
import { type AgentProcess, spawnAgent, type TestHub } from './support/hub.ts';

let hub: TestHub;
let cell: RunningCell;
let users: Users;
let enrolled: { id: string; configPath: string; dataDir: string };
let agent: AgentProcess | undefined;
const spawned: AgentProcess[] = [];

let rig: ActionRig | undefined;

before(async () => {
  rig = await startActionRig('press-01');
  ({ hub, users, cell, enrolled } = rig);
});
after(async () => {
  await Promise.all(spawned.map((p) => p.kill('SIGKILL')));
  await rig?.stop();
});

const writeSpeed = (value: number) => speedWrite(enrolled.id, value, 'crash test', windowIn(0, 90_000));

/**
 * Spawns the agent and waits until it is connected and subscribed: the agent's MQTT session is
 * clean, so an action dispatched while it is down is lost (see the report on issue 5).
 */
async function started(env?: Record<string, string>): Promise<AgentProcess> {
  const p = spawnAgent(enrolled.configPath, env ? { env } : {});
  spawned.push(p);
  await waitFor('the agent connected', () => (p.output().includes('connected to hub') ? true : undefined));
  await waitFor('the cell online', async () => {
    const c = await hub.get<{ online: boolean }>(`/api/cells/${enrolled.id}`);
    return c.online ? true : undefined;
  });
  return p;
}

/** Starts the agent with a pause at `point`, dispatches a write, and kills -9 the agent there. */
async function killDuring(point: 'SNAPSHOT' | 'WRITE', value: number): Promise<string> {
  agent = await started({ [`CELLFLEET_TEST_PAUSE_AFTER_${point}_MS`]: '60000' });
  const id = await propose(hub, users, writeSpeed(value));
  await approve(hub, users, id);
  const phase = point === 'SNAPSHOT' ? 'after-snapshot' : 'after-write';
  const running = agent;
  await waitFor(`the agent paused ${phase}`, () =>
    running.output().includes(`pausing ${phase}`) ? true : undefined,
  );
  await running.kill('SIGKILL');
  assert.equal(
    (await hub.get<ActionView>(`/api/actions/${id}`)).runs[0]?.state,
    'dispatched',
    'no result yet',
  );
  return id;
}

function ledgerRow(id: string): { state: string; result: string } | undefined {
  const db = new DatabaseSync(join(enrolled.dataDir, 'ledger.db'), { readOnly: true });
  try {
    return db.prepare('SELECT state, result FROM ledger WHERE id = ?').get(id) as
      | { state: string; result: string }
      | undefined;
  } finally {
    db.close();
  }
}

describe('kill -9 mid-action, then restart', () => {
  test('killed after the rollback point, before any write: reported interrupted, not run again', async () => {
    const id = await killDuring('SNAPSHOT', 130);
    assert.equal(cell.readParameter(SPEED), 100);
    assert.equal(ledgerRow(id)?.state, 'snapshotted');
    // The next agent process (the one the next test kills) settles this one first.
    agent = await started();
    const run = await settledRun(hub, id, enrolled.id);
    assert.deepEqual([run.outcome, run.result?.reason], ['failed', 'interrupted'], run.result?.detail);
    assert.match(run.result?.detail ?? '', /nothing changed.*did not run it again/);
    assert.deepEqual(run.result?.changes, [{ path: SPEED_KEY, before: 100, requested: 130, after: 100 }]);
    assert.equal(run.attempts, 1);
    assert.equal(cell.readParameter(SPEED), 100, 'the write never happened, before or after the restart');
    assert.equal(ledgerRow(id)?.state, 'finished');
    await agent.kill('SIGTERM');
  });

  test('killed after the write, before verifying: verified on restart, succeeded, written once', async () => {
    const id = await killDuring('WRITE', 130);
    assert.equal(cell.readParameter(SPEED), 130);
    assert.equal(ledgerRow(id)?.state, 'executing');
    agent = await started();
    const run = await settledRun(hub, id, enrolled.id);
    assert.equal(run.outcome, 'succeeded', run.result?.detail);
    assert.match(run.result?.detail ?? '', /verified after a restart/);
    assert.deepEqual(run.result?.changes, [{ path: SPEED_KEY, before: 100, requested: 130, after: 130 }]);
    assert.equal(cell.readParameter(SPEED), 130);
    await agent.kill('SIGTERM');
    cell.setParameter(SPEED, 100);
  });

  test('killed after the write, value changed meanwhile: rolled back to the stored point on restart', async () => {
    const id = await killDuring('WRITE', 140);
    cell.setParameter(SPEED, 125); // the device moved while the agent was down
    agent = await started();
    const run = await settledRun(hub, id, enrolled.id);
    assert.deepEqual([run.outcome, run.result?.reason], ['rolled-back', 'interrupted'], run.result?.detail);
    assert.deepEqual(run.result?.changes, [{ path: SPEED_KEY, before: 100, requested: 140, after: 100 }]);
    assert.equal(cell.readParameter(SPEED), 100);
    assert.match(agent.output(), /found in progress after a restart/);
    const row = ledgerRow(id);
    assert.equal(row?.state, 'finished');
    assert.equal((JSON.parse(row?.result ?? '{}') as { outcome?: string }).outcome, 'rolled-back');
  });
});
