// What the hub signs and the agent verifies (Ed25519, the crypto itself at the edges): the
// canonical JSON of the fields below and nothing else, prefixed by a context string so a
// signature made for one purpose can never be replayed as another.
import type { SignedAction } from '@cellfleet/protocol';
import { canonicalJson } from '../canonical.ts';
import type { ActionRecord } from './types.ts';

export const SIGNING_CONTEXT = 'cellfleet/action/v1';

/** A different context from actions', so no action signature can pass for a build's (issue 14). */
export const BUILD_SIGNING_CONTEXT = 'cellfleet/agent-build/v1';

/** What the hub signs for an agent build (`cellfleet-hub agent-build add`), and the agent verifies. */
export function agentBuildPayload(sha256: string, version: string): string {
  return canonicalJson({ ctx: BUILD_SIGNING_CONTEXT, sha256, version });
}

export function signingPayload(action: SignedAction): string {
  const { id, cell, window, expiresAt, issuedAt, proposedBy, requiredApprovals, approvals, type, params } =
    action;
  return canonicalJson({
    ctx: SIGNING_CONTEXT,
    id,
    cell,
    window: { start: window.start, end: window.end },
    expiresAt,
    issuedAt,
    proposedBy,
    requiredApprovals,
    approvals: approvals.map(({ by, role, at }) => ({ by, role, at })),
    type,
    params,
  });
}

/**
 * The action as one cell receives it. It expires when the cell's window closes: an agent that
 * was unreachable all window long never runs it later.
 */
export function signedActionFor(action: ActionRecord, cell: string, now: number): SignedAction | undefined {
  const run = action.runs.find((r) => r.cell === cell);
  if (!run?.window) return undefined;
  return {
    id: action.id,
    cell,
    window: run.window,
    expiresAt: run.window.end,
    issuedAt: now,
    proposedBy: action.proposedBy,
    requiredApprovals: action.requiredApprovals,
    approvals: action.approvals,
    type: action.type,
    params: action.params,
  } as SignedAction;
}
