// Latency samples and rates for load tests: enough to report p50/p99 and a peak per second.

export interface Recorder {
  add(ms: number): void;
  count(): number;
  /** The q-quantile (0..1) of what was added, nearest-rank; NaN when empty. */
  quantile(q: number): number;
  reset(): void;
}

export function createRecorder(): Recorder {
  let samples: number[] = [];
  let sorted = true;
  return {
    add(ms) {
      samples.push(ms);
      sorted = false;
    },
    count: () => samples.length,
    quantile(q) {
      if (samples.length === 0) return Number.NaN;
      if (!sorted) {
        samples.sort((a, b) => a - b);
        sorted = true;
      }
      const i = Math.min(samples.length - 1, Math.max(0, Math.ceil(q * samples.length) - 1));
      return samples[i]!;
    },
    reset() {
      samples = [];
      sorted = true;
    },
  };
}

/** The highest number of events in any one-second bucket of these timestamps (ms). */
export function peakPerSecond(timestamps: readonly number[]): number {
  const buckets = new Map<number, number>();
  for (const t of timestamps) {
    const b = Math.floor(t / 1000);
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
  }
  return Math.max(0, ...buckets.values());
}
