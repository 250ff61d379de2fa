// Per-cell runs once an action is scheduled: dispatch when the window opens (canary first),
// retry `deferred` results inside the window, expire what the window closed on, and fold the
// runs back into the action's state. Driven by the caller's clock: no timers here.
import type { ActionResultBody } from '@cellfleet/protocol';
import { gateAllows, rolloutGate } from './rollout.ts';
import {
  type ActionRecord,
  type AuditEvent,
  type CellRun,
  isRunSettled,
  REFUSAL,
  refuse,
  type Transition,
} from './types.ts';

export interface RunPolicy {
  /** Wait at least this long before re-sending after a `deferred` result. */
  readonly retryDelayMs: number;
  /** A dispatched run without a result expires this long after its window closed. */
  readonly resultGraceMs: number;
}

export const DEFAULT_RUN_POLICY: RunPolicy = { retryDelayMs: 60_000, resultGraceMs: 15 * 60_000 };

const ACTIVE = new Set(['scheduled', 'dispatched']);
// Also the ended states: a late result can turn an expired action into a completed one.
const SETTLEABLE = new Set([...ACTIVE, 'stopped', 'completed', 'expired']);

function expireRun(run: CellRun, now: number, policy: RunPolicy, events: AuditEvent[]): CellRun {
  if (!run.window) return run;
  const closed =
    ((run.state === 'pending' || run.state === 'deferred') && now >= run.window.end) ||
    (run.state === 'dispatched' && now >= run.window.end + policy.resultGraceMs);
  if (!closed) return run;
  const note =
    run.state === 'dispatched' ? 'no result before the window closed' : 'window closed before it ran';
  events.push({ event: 'action.run-expired', data: { cell: run.cell, note } });
  return { ...run, state: 'expired', nextAttemptAt: null, note };
}

function isDue(run: CellRun, now: number): boolean {
  if (!run.window || now < run.window.start || now >= run.window.end) return false;
  if (run.state === 'pending') return true;
  return run.state === 'deferred' && now >= (run.nextAttemptAt ?? 0);
}

/** Applies a rollout stop and derives the action's state from its runs. */
export function settle(action: ActionRecord, _now: number): { action: ActionRecord; events: AuditEvent[] } {
  if (!SETTLEABLE.has(action.state)) return { action, events: [] };
  const events: AuditEvent[] = [];
  let next = action;
  const gate = rolloutGate(next);
  if (gate.kind === 'stop' && next.state !== 'stopped') {
    const runs = next.runs.map((r) =>
      r.state === 'pending' || r.state === 'deferred'
        ? { ...r, state: 'skipped' as const, note: gate.reason }
        : r,
    );
    next = { ...next, runs, state: 'stopped', stopReason: gate.reason };
    events.push({ event: 'action.rollout-stopped', data: { reason: gate.reason } });
  }
  if (next.state === 'stopped') return { action: next, events };
  const settled = next.runs.every(isRunSettled);
  const state = settled
    ? next.runs.every((r) => r.state === 'expired')
      ? 'expired'
      : 'completed'
    : next.runs.some((r) => r.attempts > 0)
      ? 'dispatched'
      : 'scheduled';
  if (state !== next.state) {
    next = { ...next, state };
    if (settled) events.push({ event: `action.${state}`, data: summary(next) });
  }
  return { action: next, events };
}

function summary(action: ActionRecord): Record<string, string> {
  return Object.fromEntries(action.runs.map((r) => [r.cell, r.outcome ?? r.state]));
}

export interface TickPlan {
  readonly action: ActionRecord;
  /** Cells to send the signed action to now. */
  readonly dispatch: string[];
  readonly events: AuditEvent[];
}

export function planTick(
  action: ActionRecord,
  now: number,
  policy: RunPolicy = DEFAULT_RUN_POLICY,
): TickPlan {
  // An explicit window that closes while the action waits for approval ends it.
  const w = action.window;
  if ((action.state === 'proposed' || action.state === 'approved') && w && 'end' in w && now >= w.end) {
    const runs = action.runs.map((r) => ({
      ...r,
      state: 'expired' as const,
      note: 'window closed before approval',
    }));
    const data = { reason: 'window closed before approval' };
    return {
      action: { ...action, runs, state: 'expired' },
      dispatch: [],
      events: [{ event: 'action.expired', data }],
    };
  }
  if (!ACTIVE.has(action.state)) return { action, dispatch: [], events: [] };
  const events: AuditEvent[] = [];
  const expired = { ...action, runs: action.runs.map((r) => expireRun(r, now, policy, events)) };
  const first = settle(expired, now);
  events.push(...first.events);
  const gate = rolloutGate(first.action);
  const dispatch: string[] = [];
  const runs = first.action.runs.map((r) => {
    if (first.action.state === 'stopped' || !isDue(r, now) || !gateAllows(gate, r.cell)) return r;
    dispatch.push(r.cell);
    events.push({ event: 'action.dispatched', data: { cell: r.cell, attempt: r.attempts + 1 } });
    return {
      ...r,
      state: 'dispatched' as const,
      attempts: r.attempts + 1,
      dispatchedAt: now,
      nextAttemptAt: null,
    };
  });
  const last = settle({ ...first.action, runs }, now);
  return { action: last.action, dispatch, events: [...events, ...last.events] };
}

/** Folds one cell's result in. A late result (after the hub expired the run) still counts. */
export function recordResult(
  action: ActionRecord,
  result: { cell: string; body: ActionResultBody; now: number },
  policy: RunPolicy = DEFAULT_RUN_POLICY,
): Transition {
  const { cell, body, now } = result;
  const run = action.runs.find((r) => r.cell === cell);
  if (!run) return refuse(REFUSAL.unknownCell, `${cell} is not a target of action ${action.id}`);
  if (run.state === 'done')
    return refuse(REFUSAL.duplicateResult, `${cell} has already reported ${run.outcome}`);
  if (run.attempts === 0)
    return refuse(REFUSAL.notDispatched, `action ${action.id} was never sent to ${cell}`);
  const data = { cell, outcome: body.outcome, reason: body.reason ?? null, late: run.state === 'expired' };
  let next: CellRun;
  if (body.outcome === 'deferred') {
    if (run.state === 'expired') return { ok: true, action, events: [{ event: 'action.deferred', data }] };
    const wait = Math.max(policy.retryDelayMs, body.retryAfterMs ?? 0);
    next = { ...run, state: 'deferred', nextAttemptAt: now + wait, result: body, note: body.reason ?? null };
  } else {
    next = { ...run, state: 'done', outcome: body.outcome, result: body, nextAttemptAt: null, note: null };
  }
  const runs = action.runs.map((r) => (r.cell === cell ? next : r));
  const settled = settle({ ...action, runs }, now);
  const event = body.outcome === 'deferred' ? 'action.deferred' : 'action.result';
  return { ok: true, action: settled.action, events: [{ event, data }, ...settled.events] };
}
