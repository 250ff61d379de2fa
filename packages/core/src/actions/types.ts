// The hub's record of an action. It is the HTTP view itself: the store keeps this object, and
// every transition below is a pure function from one record to the next.
import type { ActionView, CellRunView } from '@cellfleet/protocol';
import type { Json } from '../canonical.ts';

export type ActionRecord = ActionView;
export type CellRun = CellRunView;

/** What a transition writes to the audit log (actor, time and subject are added by the hub). */
export interface AuditEvent {
  readonly event: string;
  readonly data: Json;
}

/** Expected refusals: returned, audited by the caller, mapped to HTTP status at the edge. */
export const REFUSAL = {
  missingRole: 'missing-role',
  selfApproval: 'self-approval',
  duplicateApproval: 'duplicate-approval',
  wrongState: 'wrong-state',
  invalidParameters: 'invalid-parameters',
  invalidWindow: 'invalid-window',
  noWindow: 'no-window',
  notProposer: 'not-proposer',
  alreadyDispatched: 'already-dispatched',
  unknownCell: 'unknown-cell',
  duplicateResult: 'duplicate-result',
  notDispatched: 'not-dispatched',
} as const;
export type RefusalCode = (typeof REFUSAL)[keyof typeof REFUSAL];

export interface Refusal {
  readonly ok: false;
  readonly code: RefusalCode;
  readonly message: string;
  readonly field?: string;
}

export type Transition =
  | { readonly ok: true; readonly action: ActionRecord; readonly events: AuditEvent[] }
  | Refusal;

export function refuse(code: RefusalCode, message: string, field?: string): Refusal {
  return field === undefined ? { ok: false, code, message } : { ok: false, code, message, field };
}

/** Runs that can no longer change, except by a late result. */
export function isRunSettled(run: CellRun): boolean {
  return run.state === 'done' || run.state === 'skipped' || run.state === 'expired';
}
