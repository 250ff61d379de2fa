// Filtering and grouping of the fleet list: pure functions, so 1,000+ cells cost one pass.
import type { CellSummary } from '@cellfleet/protocol';
import { CELL_STATES, type CellState, cellState } from './format.ts';
import { naturalCompare } from './natural.ts';

export type GroupBy = 'sisterGroup' | 'line' | 'site';
export type StateFilter = CellState | 'all';

export interface FleetRow {
  readonly kind: 'cell';
  readonly cell: CellSummary;
  readonly state: CellState;
}
export interface GroupHead {
  readonly kind: 'head';
  readonly key: string;
  readonly by: GroupBy;
  readonly counts: Record<CellState, number>;
  readonly total: number;
}
export type ListItem = FleetRow | GroupHead;

export const emptyCounts = (): Record<CellState, number> =>
  Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;

export function countStates(rows: readonly FleetRow[]): Record<CellState, number> {
  const counts = emptyCounts();
  for (const r of rows) counts[r.state]++;
  return counts;
}

/** Everything a search box should find a cell by: id, group, diagnosis, versions. */
function haystack(c: CellSummary): string {
  const p = c.lastProbe;
  return [
    c.id,
    c.sisterGroup,
    c.buildInfo?.productName,
    c.buildInfo?.softwareVersion,
    c.agentVersion,
    p?.diagnosis.code,
    p?.diagnosis.summary,
    ...(p?.findings.map((f) => f.code) ?? []),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

export function groupKey(c: CellSummary, by: GroupBy): string {
  if (by === 'site') return c.site;
  if (by === 'line') return `${c.site}.${c.line}`;
  return c.sisterGroup;
}

const ORDER: Record<CellState, number> = { offline: 0, fault: 1, warning: 2, never: 3, waiting: 4, ok: 5 };

export interface FleetQuery {
  readonly text: string;
  readonly state: StateFilter;
  readonly by: GroupBy;
  /**
   * Cells the hub found for the same text (GET /api/cells?q=): by platform, product, or what a
   * client shows for their diagnosis (Bad_ConnectionRejected, 0x80130000).
   */
  readonly found?: ReadonlySet<string>;
  /** Only cells whose last diagnosis has this code (a count on the overview was clicked). */
  readonly code?: string | undefined;
  /** Only cells on this server platform (`kepware`, `siemens`, … or `unknown`). */
  readonly vendor?: string | undefined;
}

/** The platform a cell is counted under: what its last probe detected, else `unknown`. */
export const vendorOf = (c: CellSummary): string => c.lastProbe?.platform?.vendor ?? 'unknown';
/** The diagnosis a cell is counted under; `none` before its first probe. */
export const codeOf = (c: CellSummary): string => c.lastProbe?.diagnosis.code ?? 'none';

/** How many cells per value of `key`, most first, then by name (naturally). */
export function countBy(
  cells: readonly CellSummary[],
  key: (c: CellSummary) => string,
): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const c of cells) counts.set(key(c), (counts.get(key(c)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || naturalCompare(a[0], b[0]));
}

/** Rows with state, the matching subset, and the list with a header per group. */
export function buildList(cells: readonly CellSummary[], q: FleetQuery) {
  const all: FleetRow[] = cells.map((cell) => ({ kind: 'cell', cell, state: cellState(cell) }));
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  const matching = all.filter(
    (r) =>
      (q.state === 'all' || r.state === q.state) &&
      (q.code === undefined || codeOf(r.cell) === q.code) &&
      (q.vendor === undefined || vendorOf(r.cell) === q.vendor) &&
      (words.length === 0 ||
        words.every((w) => haystack(r.cell).includes(w)) ||
        (q.found?.has(r.cell.id) ?? false)),
  );
  const groups = new Map<string, FleetRow[]>();
  for (const r of matching) {
    const k = groupKey(r.cell, q.by);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  const items: ListItem[] = [];
  for (const key of [...groups.keys()].sort(naturalCompare)) {
    const rows = groups.get(key) ?? [];
    // Worst first inside a group: the cell that needs someone is at the top.
    rows.sort((a, b) => ORDER[a.state] - ORDER[b.state] || naturalCompare(a.cell.id, b.cell.id));
    items.push({ kind: 'head', key, by: q.by, counts: countStates(rows), total: rows.length });
    items.push(...rows);
  }
  return { all, matching, items, groupCount: groups.size };
}
