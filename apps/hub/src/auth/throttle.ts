// What keeps a password spray from freezing the hub or guessing a password (issue 12, finding 2):
//
// - the account lock: from the 5th wrong password in a row for one name, each failure locks
//   that name for twice as long as the one before (1 s, 2 s, 4 s … 15 min), the
//   exponential delay OWASP's Authentication Cheat Sheet recommends over a permanent lock. A
//   locked name is answered 429 with Retry-After before any password is checked, the right one
//   included. Names nobody has are locked the same way, so a lock does not tell which exist.
// - the hash gate: password checks wait their turn for a few scrypt slots, and when too many
//   wait, the newest is turned away at once (429) instead of queueing without bound. The event
//   loop is never busy hashing (secrets.ts); the gate keeps the thread pool and the cores from
//   being, so the broker, ingest and dispatch keep their CPU whatever a spray sends.
//
// Both live in the hub process's memory, bounded (an attacker's names evict the oldest entries,
// never grow the map). Replicas each keep their own: behind a load balancer of N replicas an
// attacker gets N times the attempts before a lock (docs/security.md).
import { AppError } from '../kernel/errors.ts';

export interface LockPolicy {
  /** The wrong password in a row that starts the first lock. */
  readonly lockFrom: number;
  /** The first lock; each further failure doubles it. */
  readonly baseLockMs: number;
  readonly maxLockMs: number;
  /** A name with no failure for this long after its last lock ended starts again from zero. */
  readonly forgetAfterMs: number;
  /** Names remembered at most; the least recently failed is forgotten first. */
  readonly maxNames: number;
}

export const DEFAULT_LOCK_POLICY: LockPolicy = {
  lockFrom: 5,
  baseLockMs: 1000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxNames: 10_000,
};

export interface AccountLocks {
  /** Milliseconds until `name` may try again; 0 when it may now. */
  retryAfterMs(name: string): number;
  /** Counts a wrong password; returns the lock it starts (0: none yet). */
  failed(name: string): number;
  /** A right password ends the count. */
  succeeded(name: string): void;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export function createAccountLocks(
  now: () => number,
  policy: LockPolicy = DEFAULT_LOCK_POLICY,
): AccountLocks {
  const names = new Map<string, Entry>();
  const current = (name: string): Entry | undefined => {
    const e = names.get(name);
    if (e && now() >= Math.max(e.lockedUntil, e.lastFailure) + policy.forgetAfterMs) {
      names.delete(name);
      return undefined;
    }
    return e;
  };
  return {
    retryAfterMs: (name) => Math.max(0, (current(name)?.lockedUntil ?? 0) - now()),
    failed(name) {
      const e = current(name) ?? { failures: 0, lockedUntil: 0, lastFailure: 0 };
      e.failures++;
      e.lastFailure = now();
      const over = e.failures - policy.lockFrom;
      const lockMs = over < 0 ? 0 : Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** over);
      e.lockedUntil = Math.max(e.lockedUntil, now() + lockMs);
      // Re-inserted, so the map's order is least recently failed first.
      names.delete(name);
      names.set(name, e);
      if (names.size > policy.maxNames) names.delete(names.keys().next().value as string);
      return lockMs;
    },
    succeeded(name) {
      names.delete(name);
    },
  };
}

/** The 429 a locked name or a full gate answers; Retry-After in whole seconds, at least 1. */
export function tooManyAttempts(message: string, retryAfterMs: number): AppError {
  return new AppError('rate-limited', message, { retryAfterS: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}

export interface HashGate {
  /** Runs `work` when a slot is free; refuses at once (429) when `maxWaiting` already wait. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Checks running and waiting now (for tests and health). */
  load(): { running: number; waiting: number };
}

export function createHashGate(o: { readonly slots: number; readonly maxWaiting: number }): HashGate {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) {
      running++;
      next();
    }
  };
  return {
    async run(work) {
      if (running >= o.slots) {
        if (waiting.length >= o.maxWaiting)
          throw tooManyAttempts('too many sign-ins are being checked right now; try again shortly', 1000);
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else running++;
      try {
        return await work();
      } finally {
        release();
      }
    },
    load: () => ({ running, waiting: waiting.length }),
  };
}
