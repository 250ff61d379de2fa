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

export const ENVELOPE_DIGEST_CONTEXT = 'cellfleet/action-envelope/v1';

/**
 * The text whose SHA-256 binds an `action-result` to the exact envelope it answers (issue 12
 * finding 4): the signed payload, the key id and the signature, as received. Fields outside
 * the signature (extra keys a forger adds) do not count, so an envelope the agent admitted
 * always hashes to what the hub sent; anything the agent cannot read as an action still gets
 * a text (it can never match one the hub sent). Hashed at the edges (node:crypto).
 */
export function envelopeDigestInput(body: unknown): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  let payload: string | null;
  try {
    payload = signingPayload(b['action'] as SignedAction);
  } catch {
    payload = null;
  }
  return canonicalJson({
    ctx: ENVELOPE_DIGEST_CONTEXT,
    payload,
    keyId: text(b['keyId']),
    signature: text(b['signature']),
  });
}

/**
 * How a result relates to what the hub sent the cell for that action:
 * - `bound`: it names the digest of an envelope the hub signed and sent: it settles the run;
 * - `unbound`: it names any other digest (a forged or tampered copy, or worse, an envelope the
 *   hub never signed that the agent admitted), also when the hub has recorded no send yet (a
 *   forged copy can arrive between the hub committing a dispatch and sending it): a security
 *   incident on the cell, never the action's outcome;
 * - `legacy`: no digest (an agent from before this field): settled as before, unbound.
 */
export type ResultBinding = 'bound' | 'unbound' | 'legacy';

export function bindResult(digest: string | undefined, sent: readonly string[]): ResultBinding {
  if (digest === undefined) return 'legacy';
  return sent.includes(digest) ? 'bound' : 'unbound';
}
