// write-parameters: read the current values (the rollback point) → store them in the ledger →
// write → read back and re-probe → on any failure write the stored values back and verify
// again. Only nodes that differ from the rollback point are written back, so a write the
// server refused outright needs no second write.
//
// Outcomes: succeeded (every value reads back as asked and the endpoint probes ok);
// rolled-back (something changed, it was written back and reads back as before);
// failed (nothing changed: refused, unreachable; or the rollback itself did not verify,
// reason `rollback-failed`, and the cell needs a person).

import type { EndpointConfig, NodeValue } from '@cellfleet/protocol';
import type { ClientSession } from 'node-opcua-client';
import {
  type ActionOf,
  endpointNamed,
  type Outcome,
  type StepContext,
  StepFailure,
  sessionTo,
} from './context.ts';
import type { LedgerEntry } from './ledger.ts';
import {
  coerceValue,
  goodValue,
  readValues,
  resolveTargets,
  sameValue,
  type TargetState,
  writeValues,
} from './nodes.ts';

/** The rollback point as stored in the ledger. */
export interface WriteSnapshot {
  readonly endpoint: string;
  readonly targets: TargetState[];
}

interface Problem {
  readonly reason: string;
  readonly detail: string;
}

export async function runWrite(ctx: StepContext, action: ActionOf<'write-parameters'>): Promise<Outcome> {
  const endpoint = endpointNamed(ctx, action.params.endpoint);
  const s = await sessionTo(ctx, endpoint);
  try {
    const targets = await rollbackPoint(s.session, action);
    const snapshot: WriteSnapshot = { endpoint: endpoint.name, targets };
    ctx.ledger.saveSnapshot(action.id, snapshot, ctx.now());
    ctx.log.info({ action: action.id, targets: targets.length }, 'action: rollback point stored');
    await ctx.pause('after-snapshot');
    ctx.ledger.markExecuting(action.id, ctx.now());
    const statuses = await writeValues(
      s.session,
      targets.map((t) => ({ target: t, value: t.requested })),
    );
    ctx.log.info({ action: action.id, statuses }, 'action: values written');
    await ctx.pause('after-write');
    const refused = targets
      .map((t, i) => ({ t, status: statuses[i] ?? 'no answer' }))
      .filter((x) => x.status !== 'Good');
    const problem =
      refused.length > 0
        ? {
            reason: 'write-refused',
            detail: `the server refused ${refused.map((x) => `${x.t.path} (${x.status})`).join(', ')}`,
          }
        : undefined;
    return await verifyOrRollBack(ctx, { session: s.session, endpoint, targets }, problem);
  } finally {
    await s.close();
  }
}

async function rollbackPoint(
  session: ClientSession,
  action: ActionOf<'write-parameters'>,
): Promise<TargetState[]> {
  let resolved: Awaited<ReturnType<typeof resolveTargets>>;
  try {
    resolved = await resolveTargets(session, action.params.writes);
  } catch (err) {
    throw new StepFailure('unknown-node', (err as Error).message);
  }
  const dvs = await readValues(
    session,
    resolved.map((r) => r.nodeId),
  );
  return resolved.map((r, i) => {
    const dv = dvs[i];
    let before: NodeValue;
    try {
      before = goodValue(dv, r.path);
    } catch (err) {
      throw new StepFailure('read-failed', (err as Error).message);
    }
    const dataType = dv?.value.dataType ?? 0;
    const arrayType = dv?.value.arrayType ?? 0;
    let requested: NodeValue;
    try {
      requested = coerceValue(dataType, arrayType, r.requested);
    } catch (err) {
      throw new StepFailure('invalid-value', `${r.path}: ${(err as Error).message}; nothing was written`);
    }
    return { ...r, before, dataType, arrayType, requested };
  });
}

interface Live {
  readonly session: ClientSession;
  readonly endpoint: EndpointConfig;
  readonly targets: readonly TargetState[];
}

async function readBack(live: Live): Promise<NodeValue[]> {
  const dvs = await readValues(
    live.session,
    live.targets.map((t) => t.nodeId),
  );
  return live.targets.map((t, i) => goodValue(dvs[i], t.path));
}

const changesOf = (targets: readonly TargetState[], after: readonly NodeValue[]) =>
  targets.map((t, i) => ({
    path: t.path,
    before: t.before,
    requested: t.requested,
    after: after[i] ?? null,
  }));

const show = (v: NodeValue) => JSON.stringify(v);

/** Read back (and re-probe); on a mismatch or an earlier problem, roll back. */
export async function verifyOrRollBack(ctx: StepContext, live: Live, earlier?: Problem): Promise<Outcome> {
  const after = await readBack(live);
  let problem = earlier;
  if (!problem) {
    const off = live.targets.filter((t, i) => !sameValue(t.dataType, after[i] ?? null, t.requested));
    if (off.length > 0) {
      const what = off.map((t) => `${t.path} read back ${show(after[live.targets.indexOf(t)] ?? null)}`);
      problem = {
        reason: 'verify-failed',
        detail: `${what.join(', ')} (asked ${off.map((t) => show(t.requested)).join(', ')})`,
      };
    }
  }
  if (!problem) {
    const probe = await ctx.probe(live.endpoint);
    ctx.reportProbe(probe);
    if (probe.ok)
      return {
        outcome: 'succeeded',
        changes: changesOf(live.targets, after),
        detail: 'read back as written; re-probe ok',
      };
    problem = { reason: 'probe-failed', detail: `re-probe after the write: ${probe.diagnosis.code}` };
  }
  ctx.log.warn(
    { reason: problem.reason, detail: problem.detail },
    'action: verification failed, rolling back',
  );
  return rollBack(ctx, live, after, problem);
}

async function rollBack(
  ctx: StepContext,
  live: Live,
  current: readonly NodeValue[],
  problem: Problem,
): Promise<Outcome> {
  const restore = live.targets.filter((t, i) => !sameValue(t.dataType, current[i] ?? null, t.before));
  if (restore.length === 0) {
    return {
      outcome: 'failed',
      reason: problem.reason,
      detail: `${problem.detail}; every value still reads as before: nothing changed, nothing to roll back`,
      changes: changesOf(live.targets, current),
    };
  }
  const statuses = await writeValues(
    live.session,
    restore.map((t) => ({ target: t, value: t.before })),
  );
  const final = await readBack(live);
  ctx.log.info({ statuses, restored: restore.length }, 'action: rollback written');
  const still = live.targets.filter((t, i) => !sameValue(t.dataType, final[i] ?? null, t.before));
  const changes = changesOf(live.targets, final);
  if (still.length === 0) {
    return {
      outcome: 'rolled-back',
      reason: problem.reason,
      detail: `${problem.detail}; rolled back ${restore.length} value(s), verified`,
      changes,
    };
  }
  const wrong = still.map(
    (t) => `${t.path} reads ${show(final[live.targets.indexOf(t)] ?? null)}, was ${show(t.before)}`,
  );
  return {
    outcome: 'failed',
    reason: 'rollback-failed',
    detail: `${problem.reason}: ${problem.detail}; the rollback did not verify: ${wrong.join(', ')}`,
    changes,
  };
}

/**
 * After a crash: never write the requested values again. If they are all in place the write
 * completed and is verified now; otherwise the cell goes back to the stored rollback point.
 */
export async function recoverWrite(ctx: StepContext, entry: LedgerEntry): Promise<Outcome> {
  const snap = entry.snapshot as WriteSnapshot | null;
  if (!snap || entry.state === 'admitted') {
    return {
      outcome: 'failed',
      reason: 'interrupted',
      detail: 'the agent stopped before the rollback point was stored: nothing was written; not run again',
    };
  }
  const endpoint = endpointNamed(ctx, snap.endpoint);
  const s = await sessionTo(ctx, endpoint);
  try {
    const live = { session: s.session, endpoint, targets: snap.targets };
    const now = await readBack(live);
    const done = snap.targets.every((t, i) => sameValue(t.dataType, now[i] ?? null, t.requested));
    const problem = { reason: 'interrupted', detail: `the agent stopped mid-action (${entry.state})` };
    const outcome = done ? await verifyOrRollBack(ctx, live) : await rollBack(ctx, live, now, problem);
    const note = `verified after a restart; the agent stopped mid-action (${entry.state}) and did not run it again`;
    return { ...outcome, detail: `${outcome.detail ?? ''}; ${note}` };
  } finally {
    await s.close();
  }
}
