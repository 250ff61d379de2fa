// Every network wait in the agent is bounded: node-opcua's own defaults are a 60 s transport
// timeout and endless reconnects (research §0.4), which would hang a probe at 2 am.

export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  readonly timedOut = true;
}

/** Rejects with DeadlineError after `ms`; the caller tears down whatever was pending. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no answer within ${Math.round(ms)} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Best-effort cleanup that can neither throw nor hang. */
export async function quietly(work: () => Promise<unknown>, ms = 1500): Promise<void> {
  try {
    await withDeadline(work(), ms, 'cleanup');
  } catch {
    // Cleanup of a connection that is already broken: nothing useful to report.
  }
}

/** A time budget shared by the steps of one probe. */
export interface Budget {
  remaining(): number;
  /** The smaller of `cap` and what is left, never below `floor`. */
  slice(cap: number, floor?: number): number;
}

export function budget(totalMs: number, clock: () => number = Date.now): Budget {
  const end = clock() + totalMs;
  const remaining = () => Math.max(0, end - clock());
  return { remaining, slice: (cap, floor = 50) => Math.max(floor, Math.min(cap, remaining())) };
}
