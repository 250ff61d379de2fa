// When to try an HTTP request again, as the server asks: `Retry-After` (RFC 9110 §10.2.3: a
// number of seconds or an HTTP-date), the rate-limit headers in use (the IETF draft's
// `RateLimit-Reset` / structured `RateLimit: …, r=N`, and the common `X-RateLimit-Reset` with
// `X-RateLimit-Remaining: 0`), and otherwise full-jitter exponential backoff (a random wait
// between 0 and min(cap, base × 2^attempt), as in AWS's "Exponential Backoff and Jitter").
// Pure: the clock and the random source are parameters.

/** Statuses worth another try: too many requests, and the gateway/service being unavailable. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** `Retry-After` as a wait in ms from `now`; undefined when absent or not a valid value. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  // An HTTP-date (IMF-fixdate, or the obsolete forms Date.parse also reads); a date in the past
  // means "now". Anything else (a negative number, text) is ignored, never trusted.
  if (!/^[A-Za-z]{3},? /.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

type HeaderGet = { get(name: string): string | null };

/**
 * How long the rate-limit headers say to wait before the next request, or undefined when they
 * do not say (or some quota remains). A reset above 10^9 is read as epoch seconds (GitHub's
 * `X-RateLimit-Reset`), a smaller one as seconds from now (the IETF draft's).
 */
export function rateLimitWait(headers: HeaderGet, now: number): number | undefined {
  const structured = headers.get('ratelimit');
  if (structured) {
    const remaining = /(?:^|[;,\s])r(?:emaining)?=(\d+)/.exec(structured)?.[1];
    const reset = /(?:^|[;,\s])(?:t|reset)=(\d+)/.exec(structured)?.[1];
    if (remaining === '0' && reset !== undefined) return resetToWait(reset, now);
  }
  const remaining = headers.get('ratelimit-remaining') ?? headers.get('x-ratelimit-remaining');
  if (remaining?.trim() !== '0') return undefined;
  const reset = headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset');
  return reset ? resetToWait(reset.trim(), now) : undefined;
}

function resetToWait(reset: string, now: number): number | undefined {
  if (!/^\d{1,12}$/.test(reset)) return undefined;
  const n = Number(reset);
  return n > 1e9 ? Math.max(0, n * 1000 - now) : n * 1000;
}

export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
}

/** Full jitter: uniform in [0, min(cap, base × 2^attempt)); attempt 0 is the first retry. */
export function fullJitter(attempt: number, b: Backoff, random: () => number): number {
  const ceiling = Math.min(b.capMs, b.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
