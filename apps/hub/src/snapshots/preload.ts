// Readies every sister group's comparison in the background after a (re)start, so the first
// request takes as long as any other: with the sister tally (the hub's way), one comparison per
// group from the tally; without it, the parsed-snapshot cache filled with every group's latest
// snapshots (1,000 × 5,000: ~22 s cold, ~1 s warm; BENCHMARKS.md), parsing yielding to the
// event loop.
import type { Logger } from 'pino';
import type { SnapshotService } from './service.ts';

/** How long after start the comparison cache is filled (agents reconnecting go first). */
export const PRELOAD_DELAY_MS = 5000;

export interface PreloadOptions {
  readonly snapshots: SnapshotService;
  /** Every sister group that has cells. */
  readonly groups: () => Promise<Iterable<string>>;
  readonly logger: Logger;
  readonly delayMs?: number;
}

export function startComparisonPreload(o: PreloadOptions): { cancel(): void } {
  let cancelled = false;
  const timer = setTimeout(async () => {
    const started = Date.now();
    let loaded = 0;
    try {
      for (const group of await o.groups()) {
        if (cancelled) return;
        loaded += await o.snapshots.preload(group);
      }
      if (loaded > 0)
        o.logger.info({ snapshots: loaded, ms: Date.now() - started }, 'comparison cache filled');
    } catch (err) {
      if (!cancelled) o.logger.warn({ err: (err as Error).message }, 'could not fill the comparison cache');
    }
  }, o.delayMs ?? PRELOAD_DELAY_MS);
  timer.unref();
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
