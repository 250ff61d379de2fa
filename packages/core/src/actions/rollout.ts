// Staged rollout ("sister cell first", issue 5 §6): with a canary, the action goes to the
// canary alone; the other cells get it only once the canary reported `succeeded` (which the
// agent reports only after its verification passed). Any other end of the canary run stops
// the rollout and says why.
import type { ActionRecord } from './types.ts';

export type RolloutGate =
  | { readonly kind: 'open' }
  | { readonly kind: 'canary-only'; readonly canary: string }
  | { readonly kind: 'stop'; readonly reason: string };

export function rolloutGate(action: ActionRecord): RolloutGate {
  const canary = action.canary;
  const run = canary === null ? undefined : action.runs.find((r) => r.cell === canary);
  if (canary === null || !run || action.runs.length < 2) return { kind: 'open' };
  if (run.state === 'done' && run.outcome === 'succeeded') return { kind: 'open' };
  if (run.state === 'done') {
    const why = [run.result?.reason, run.result?.detail].filter(Boolean).join(': ');
    return { kind: 'stop', reason: `canary ${canary} ${run.outcome}${why ? ` (${why})` : ''}` };
  }
  if (run.state === 'expired')
    return { kind: 'stop', reason: `canary ${canary} did not run before its window closed` };
  if (run.state === 'skipped') return { kind: 'stop', reason: `canary ${canary} was skipped` };
  return { kind: 'canary-only', canary };
}

export function gateAllows(gate: RolloutGate, cell: string): boolean {
  return gate.kind === 'open' || (gate.kind === 'canary-only' && gate.canary === cell);
}

/** The stages in order, for display: `[[canary], [the others]]`, or one stage. */
export function rolloutStages(cells: readonly string[], canary: string | null): string[][] {
  if (canary === null || cells.length < 2) return [[...cells]];
  return [[canary], cells.filter((c) => c !== canary)];
}
