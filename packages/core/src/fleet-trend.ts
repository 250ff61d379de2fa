// The fleet's health over time (issue 16, item 1): which cells count as faulted or offline at
// one instant, and stored counts folded into the buckets of a chart. Pure: the hub's sampler
// takes a count now and then, the route hands the stored samples to bucketTrend().

/** What one cell is at the instant of a sample (the hub's fleet row, reduced). */
export interface TrendCell {
  readonly online: boolean;
  /** When liveness last changed; null before the first birth (never seen). */
  readonly since: number | null;
  readonly probe: { readonly ok: boolean; readonly severity: string } | null;
}

/** One stored count of the fleet. */
export interface TrendSample {
  readonly at: number;
  readonly total: number;
  readonly faulted: number;
  readonly offline: number;
}

/** The counts a sample stores: the same rule the fleet page colours a cell by (web format.ts). */
export function countFleet(cells: readonly TrendCell[], at: number): TrendSample {
  let faulted = 0;
  let offline = 0;
  for (const c of cells) {
    if (c.since === null) continue; // never seen: neither faulted nor offline
    if (!c.online) offline++;
    else if (c.probe && (!c.probe.ok || c.probe.severity === 'error' || c.probe.severity === 'critical'))
      faulted++;
  }
  return { at, total: cells.length, faulted, offline };
}

export const TREND_RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type TrendRange = keyof typeof TREND_RANGES;

/** Points per chart: a 24 h range in 5-minute buckets, 7 days in 35-minute ones. */
export const TREND_BUCKETS = 288;

/**
 * Samples (any order) → at most `buckets` points over [to − range, to], oldest first, each the
 * worst count seen in its bucket (a 2-minute outage of 40 cells must not average away). Empty
 * buckets are left out: the chart shows a gap, not a zero nobody measured.
 */
export function bucketTrend(
  samples: readonly TrendSample[],
  o: { readonly to: number; readonly rangeMs: number; readonly buckets?: number },
): TrendSample[] {
  const n = o.buckets ?? TREND_BUCKETS;
  const from = o.to - o.rangeMs;
  const width = o.rangeMs / n;
  const out = new Map<number, TrendSample>();
  for (const s of samples) {
    if (s.at < from || s.at > o.to) continue;
    const i = Math.min(n - 1, Math.floor((s.at - from) / width));
    const prev = out.get(i);
    out.set(
      i,
      prev
        ? {
            at: Math.max(prev.at, s.at),
            total: Math.max(prev.total, s.total),
            faulted: Math.max(prev.faulted, s.faulted),
            offline: Math.max(prev.offline, s.offline),
          }
        : s,
    );
  }
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}
