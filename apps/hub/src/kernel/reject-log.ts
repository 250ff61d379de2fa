// Refused messages, logged in aggregate (issue 12 finding 6): an agent that sends 20,000 bad
// messages must not write 20,000 log lines (a log flood hides everything else and fills the
// disk). Each refusal is counted per cell and reason; once per interval one line per cell
// says how many of each, with one example. Totals since start stay readable for health checks.
import type { Logger } from 'pino';

export interface RejectLog {
  /** Counts one refusal; `cell` is undefined when the sender is not known (before CONNECT). */
  note(cell: string | undefined, reason: string, example?: Record<string, unknown>): void;
  /** Refusals since start, by cell, then by reason. */
  totals(): Record<string, Record<string, number>>;
  /** Logs what the current interval counted (also called by the interval timer). */
  flush(): void;
  stop(): void;
}

export const REJECT_LOG_INTERVAL_MS = 10_000;
const UNKNOWN = '(unauthenticated)';

interface Pending {
  readonly counts: Record<string, number>;
  readonly example: Record<string, unknown>;
}

export function createRejectLog(o: { logger: Logger; intervalMs?: number }): RejectLog {
  const intervalMs = o.intervalMs ?? REJECT_LOG_INTERVAL_MS;
  const totals = new Map<string, Record<string, number>>();
  let pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined; // the next refusal starts the next interval; an idle hub keeps no timer
    const batch = pending;
    pending = new Map();
    for (const [cell, p] of batch) {
      const refused = Object.values(p.counts).reduce((a, b) => a + b, 0);
      o.logger.warn(
        { cell, refused, counts: p.counts, example: p.example, intervalMs },
        `refused ${refused} message(s) from ${cell} in the last ${intervalMs / 1000} s`,
      );
    }
  }

  return {
    note(cell, reason, example = {}) {
      const key = cell ?? UNKNOWN;
      const total = totals.get(key) ?? {};
      total[reason] = (total[reason] ?? 0) + 1;
      totals.set(key, total);
      const p = pending.get(key) ?? { counts: {}, example: { reason, ...example } };
      p.counts[reason] = (p.counts[reason] ?? 0) + 1;
      pending.set(key, p);
      if (!timer) {
        timer = setTimeout(flush, intervalMs);
        timer.unref();
      }
    },
    totals: () => Object.fromEntries([...totals].map(([cell, t]) => [cell, { ...t }])),
    flush,
    stop: flush,
  };
}
