// The trend's sampler: a count of the fleet at start, every interval, and a few seconds after
// the fleet changed (so a fault shows on the chart before the next minute), at most once per
// `settleMs`. Started and stopped by hub.ts with the other loops.
import { countFleet } from '@cellfleet/core';
import type { Logger } from 'pino';
import type { FleetRow } from '../cells/store.ts';
import type { HistoryStore } from './store.ts';

export interface SamplerOptions {
  readonly history: Pick<HistoryStore, 'record'>;
  readonly fleetRows: () => Promise<FleetRow[]>;
  readonly now: () => number;
  readonly intervalMs: number;
  /** Subscribes to fleet changes; returns the unsubscribe. */
  readonly onChange?: (listener: () => void) => () => void;
  readonly settleMs?: number;
  readonly logger: Logger;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 60_000;
const DEFAULT_SETTLE_MS = 5_000;

export function startTrendSampler(o: SamplerOptions): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let soon: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const sample = () => {
    if (stopped) return;
    running = running
      .then(async () => o.history.record(countFleet(await o.fleetRows(), o.now())))
      .catch((err: Error) => o.logger.error({ err: err.message }, 'history: fleet sample failed'));
  };
  sample();
  const timer = setInterval(sample, o.intervalMs);
  timer.unref();
  const off = o.onChange?.(() => {
    if (soon) return;
    soon = setTimeout(() => {
      soon = undefined;
      sample();
    }, o.settleMs ?? DEFAULT_SETTLE_MS);
    soon.unref();
  });
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (soon) clearTimeout(soon);
      off?.();
      await running;
    },
  };
}
