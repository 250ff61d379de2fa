// Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter",
// 2015): delay = random(0, min(cap, base · 2^attempt)). Spreads a fleet's reconnects after a
// hub restart instead of synchronising them. `random` is passed in so tests are exact.

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/** The reliability model's defaults: base 200 ms, cap 30 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, capMs: 30_000 };

/** Upper bound of the delay before retry number `attempt` (0-based). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 0)
    throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  // 2^attempt overflows to Infinity past ~1023; min() with the cap keeps it finite.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 64));
}

/** The delay before retry number `attempt`, given a uniform random number in [0, 1). */
export function backoffDelay(
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  if (!(random >= 0 && random < 1)) throw new RangeError(`random must be in [0, 1), got ${random}`);
  return Math.floor(random * backoffCeiling(attempt, policy));
}
