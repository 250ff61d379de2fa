// Outlier counts per sister group for the metrics, from the comparison the UI shows. A
// comparison reads every member's latest snapshot, so a scrape reuses one for `ttlMs`.
export interface OutlierSource {
  readonly groups: () => Promise<ReadonlySet<string>>;
  readonly compare: (group: string) => Promise<{
    readonly rows: ReadonlyArray<{ readonly outliers: ReadonlyArray<{ readonly cell: string }> }>;
  }>;
  readonly now: () => number;
  readonly ttlMs?: number;
}

export function cachedOutliers(src: OutlierSource): () => Promise<Record<string, number>> {
  const ttl = src.ttlMs ?? 60_000;
  const cache = new Map<string, { at: number; n: number }>();
  return async () => {
    const out: Record<string, number> = {};
    const now = src.now();
    for (const group of await src.groups()) {
      const hit = cache.get(group);
      if (hit && now - hit.at < ttl) {
        out[group] = hit.n;
        continue;
      }
      const c = await src.compare(group).catch(() => undefined);
      if (!c) continue;
      const n = new Set(c.rows.flatMap((r) => r.outliers.map((o) => o.cell))).size;
      cache.set(group, { at: now, n });
      out[group] = n;
    }
    return out;
  };
}
