// Decisions on an action before it runs: propose → approve (N distinct approvers, never the
// proposer) | reject → schedule into a window; cancel before dispatch. Each returns the next
// record and the audit events, or a refusal the caller audits.
import type { ProposeActionRequest, TimeRange, TypedParams } from '@cellfleet/protocol';
import { actionParamsIssues, isReadOnly } from './params.ts';
import { type Actor, hasRole } from './roles.ts';
import { settle } from './runs.ts';
import { type ActionRecord, type CellRun, REFUSAL, refuse, type Transition } from './types.ts';

export interface ProposeInput {
  readonly id: string;
  readonly actor: Actor;
  readonly request: ProposeActionRequest;
  readonly now: number;
  /** Approvals this action needs (policy: typically 0 for read-only types, ≥ 1 otherwise). */
  readonly requiredApprovals: number;
}

function newRun(cell: string): CellRun {
  return {
    cell,
    state: 'pending',
    window: null,
    attempts: 0,
    dispatchedAt: null,
    nextAttemptAt: null,
    outcome: null,
    result: null,
    note: null,
  };
}

export function propose(input: ProposeInput): Transition {
  const { actor, request, now } = input;
  if (!hasRole(actor.role, 'engineer'))
    return refuse(REFUSAL.missingRole, `${actor.name} is not an engineer`);
  const typed = { type: request.type, params: request.params } as TypedParams;
  const issue = actionParamsIssues(typed)[0];
  if (issue) return refuse(REFUSAL.invalidParameters, `${issue.field} ${issue.reason}`, issue.field);
  // Mutating actions always need someone other than the proposer (PRODUCT.md, security model).
  const required = isReadOnly(typed.type) ? input.requiredApprovals : Math.max(1, input.requiredApprovals);
  if (request.canary !== undefined && !request.cells.includes(request.canary))
    return refuse(REFUSAL.invalidParameters, 'the canary must be one of the cells', 'canary');
  const w = request.window;
  if (w && 'start' in w && (w.end <= w.start || w.end <= now))
    return refuse(REFUSAL.invalidWindow, 'the window must end after it starts and after now', 'window');
  const action: ActionRecord = {
    ...typed,
    id: input.id,
    state: required === 0 ? 'approved' : 'proposed',
    reason: request.reason,
    proposedBy: actor.name,
    createdAt: now,
    requiredApprovals: required,
    approvals: [],
    rejection: null,
    cancellation: null,
    window: w ?? null,
    canary: request.canary ?? null,
    stopReason: null,
    runs: request.cells.map(newRun),
  };
  const data = {
    type: typed.type,
    cells: request.cells,
    reason: request.reason,
    requiredApprovals: required,
  };
  return { ok: true, action, events: [{ event: 'action.proposed', data }] };
}

function mayDecide(action: ActionRecord, actor: Actor, verb: string): Transition | undefined {
  if (action.state !== 'proposed')
    return refuse(REFUSAL.wrongState, `cannot ${verb} an action that is ${action.state}`);
  if (!hasRole(actor.role, 'approver'))
    return refuse(REFUSAL.missingRole, `${actor.name} has role ${actor.role}, ${verb} needs approver`);
  return undefined;
}

export function approve(action: ActionRecord, actor: Actor, now: number, comment?: string): Transition {
  const refused = mayDecide(action, actor, 'approve');
  if (refused) return refused;
  if (actor.name === action.proposedBy)
    return refuse(REFUSAL.selfApproval, `${actor.name} proposed this action and cannot approve it`);
  if (action.approvals.some((a) => a.by === actor.name))
    return refuse(REFUSAL.duplicateApproval, `${actor.name} has already approved`);
  const role = actor.role === 'admin' ? 'admin' : 'approver';
  const approvals = [...action.approvals, { by: actor.name, role, at: now } as const];
  const done = approvals.length >= action.requiredApprovals;
  const next: ActionRecord = { ...action, approvals, state: done ? 'approved' : 'proposed' };
  const data = { approvals: approvals.length, required: action.requiredApprovals, comment: comment ?? null };
  const events = [{ event: 'action.approval-added', data }];
  if (done) events.push({ event: 'action.approved', data });
  return { ok: true, action: next, events };
}

export function reject(action: ActionRecord, actor: Actor, now: number, reason: string): Transition {
  const refused = mayDecide(action, actor, 'reject');
  if (refused) return refused;
  const next: ActionRecord = { ...action, state: 'rejected', rejection: { by: actor.name, at: now, reason } };
  return { ok: true, action: next, events: [{ event: 'action.rejected', data: { reason } }] };
}

const CANCELLABLE = new Set(['proposed', 'approved', 'scheduled']);

/** The proposer, or an approver/admin, may cancel while nothing has been dispatched. */
export function cancel(action: ActionRecord, actor: Actor, now: number, reason: string): Transition {
  if (!CANCELLABLE.has(action.state))
    return refuse(REFUSAL.wrongState, `cannot cancel an action that is ${action.state}`);
  if (actor.name !== action.proposedBy && !hasRole(actor.role, 'approver'))
    return refuse(REFUSAL.notProposer, 'only the proposer or an approver may cancel');
  if (action.runs.some((r) => r.attempts > 0))
    return refuse(REFUSAL.alreadyDispatched, 'some cells have received the action already');
  const runs = action.runs.map((r) => ({ ...r, state: 'skipped' as const, note: 'cancelled' }));
  const next: ActionRecord = {
    ...action,
    state: 'cancelled',
    runs,
    cancellation: { by: actor.name, at: now, reason },
  };
  return { ok: true, action: next, events: [{ event: 'action.cancelled', data: { reason } }] };
}

/** Pins each cell's run to a concrete window occurrence, resolved by the caller. */
export function schedule(
  action: ActionRecord,
  windows: ReadonlyMap<string, TimeRange>,
  now: number,
): Transition {
  if (action.state !== 'approved')
    return refuse(REFUSAL.wrongState, `cannot schedule a ${action.state} action`);
  const missing = action.runs.find((r) => !windows.has(r.cell));
  if (missing) return refuse(REFUSAL.noWindow, `no maintenance window for ${missing.cell}`);
  const runs = action.runs.map((r) => ({ ...r, window: windows.get(r.cell) ?? null }));
  const next = settle({ ...action, state: 'scheduled', runs }, now);
  const data = Object.fromEntries(runs.map((r) => [r.cell, r.window]));
  return { ok: true, action: next.action, events: [{ event: 'action.scheduled', data }, ...next.events] };
}
