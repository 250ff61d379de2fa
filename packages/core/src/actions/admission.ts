// The agent's gate before it touches anything (issue 5 §4): a pure function over what the
// agent has already established (signature verified against its pinned keys, its own cell,
// its own clock, its ledger). Every refusal carries a stable reason code for the result and
// the audit log.
import { compileChecker, type SignedAction, SignedAction as SignedActionSchema } from '@cellfleet/protocol';
import { isReadOnly } from './params.ts';

export const ADMISSION_REASON = {
  invalidAction: 'invalid-action',
  badSignature: 'bad-signature',
  wrongCell: 'wrong-cell',
  replayed: 'replayed',
  selfApproved: 'self-approved',
  unapproved: 'unapproved',
  notYetOpen: 'outside-window',
  windowClosed: 'window-closed',
  unknownScript: 'unknown-script',
} as const;
export type AdmissionReason = (typeof ADMISSION_REASON)[keyof typeof ADMISSION_REASON];

export interface AdmissionInput {
  /** The `action` field of the received ActionBody, not yet trusted. */
  readonly action: unknown;
  /** Ed25519 verify of `signingPayload(action)` with the pinned key named by `keyId`. */
  readonly signatureValid: boolean;
  readonly myCell: string;
  /** The agent's own clock. */
  readonly now: number;
  /** True when the ledger has this action id in any state but `deferred`: it never runs twice. */
  readonly ledgerHas: (actionId: string) => boolean;
  /** run-maintenance-script: the script names in the agent's local config. */
  readonly allowedScripts?: readonly string[];
}

export type Admission =
  | { readonly admit: true; readonly action: SignedAction }
  | {
      readonly admit: false;
      readonly outcome: 'refused' | 'expired';
      readonly reason: AdmissionReason;
      readonly detail: string;
    };

const checker = compileChecker<SignedAction>(SignedActionSchema, 'action');

const no = (
  reason: AdmissionReason,
  detail: string,
  outcome: 'refused' | 'expired' = 'refused',
): Admission => ({
  admit: false,
  outcome,
  reason,
  detail,
});

/** Approval rules checked again on the cell, so a hub bug cannot skip them. */
function approvalProblem(action: SignedAction): Admission | undefined {
  if (action.approvals.some((a) => a.by === action.proposedBy))
    return no(ADMISSION_REASON.selfApproved, `approved by its own proposer ${action.proposedBy}`);
  const approvers = new Set(action.approvals.map((a) => a.by));
  const needed = isReadOnly(action.type) ? action.requiredApprovals : Math.max(1, action.requiredApprovals);
  if (approvers.size < needed)
    return no(ADMISSION_REASON.unapproved, `${approvers.size} of ${needed} required approvals`);
  return undefined;
}

export function admitAction(input: AdmissionInput): Admission {
  const { action, now } = input;
  if (!checker.check(action)) {
    const issue = checker.issues(action)[0];
    return no(ADMISSION_REASON.invalidAction, issue ? `${issue.field} ${issue.reason}` : 'malformed');
  }
  if (!input.signatureValid)
    return no(ADMISSION_REASON.badSignature, 'signature does not verify with a pinned hub key');
  if (action.cell !== input.myCell)
    return no(ADMISSION_REASON.wrongCell, `addressed to ${action.cell}, this is ${input.myCell}`);
  if (input.ledgerHas(action.id))
    return no(ADMISSION_REASON.replayed, `action ${action.id} was received before`);
  const approval = approvalProblem(action);
  if (approval) return approval;
  if (now >= action.expiresAt || now >= action.window.end)
    return no(ADMISSION_REASON.windowClosed, 'the window closed before the action arrived', 'expired');
  if (now < action.window.start)
    return no(ADMISSION_REASON.notYetOpen, 'the window has not opened on this clock');
  if (action.type === 'run-maintenance-script' && !(input.allowedScripts ?? []).includes(action.params.name))
    return no(ADMISSION_REASON.unknownScript, `script "${action.params.name}" is not in the local allowlist`);
  return { admit: true, action };
}
