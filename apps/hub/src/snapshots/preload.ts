// Fills the parsed-snapshot cache with every sister group's latest snapshots in the background,
// so the first comparison after a (re)start takes as long as any other (1,000 × 5,000: ~22 s
// cold, ~1 s warm; BENCHMARKS.md). The loader yields to the event loop while it parses.
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
