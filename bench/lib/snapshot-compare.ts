// Sister comparison benchmark (issue 4: 1,000 cells × 5,000 keys under 2 s, and how it grows).
// The fast path (compareSisters) and the straightforward one (compareSistersReference) run on
// the same input in the same process, alternating, several times; the tables give medians and
// their ratio, because the dev VMs are shared with other test runs.
import { deepStrictEqual } from 'node:assert/strict';
import {
  type CompareInput,
  canonicalJson,
  compareSisters,
  compareSistersReference,
  type SnapshotEntries,
} from '@cellfleet/core';

const NODE = '/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}T';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24);

/**
 * `cells` sisters with `keys` node keys. `drift` of the keys differ on 2 % of cells (one cell in
 * 50 has `-k` instead of `k`); one cell in 50 runs another software version. Every cell has its
 * own certificate (thumbprint, expiry), so, as in a real fleet, no two cells share a content hash.
 * `parsed`: each cell's entries go through canonical JSON and JSON.parse, as the hub loads them
 * (distinct objects); otherwise cells share the node objects.
 */
export function sisters(o: { cells: number; keys: number; drift?: number; parsed: boolean }) {
  const every = Math.max(1, Math.round(1 / (o.drift ?? 0.01)));
  const base: SnapshotEntries = {};
  for (let k = 0; k < o.keys; k++)
    base[`${NODE}${k}`] = { class: 'Variable', dataType: 'Double', access: 'RW', value: k };
  return Array.from({ length: o.cells }, (_, c) => {
    const entries: SnapshotEntries = {
      ...base,
      'server.softwareVersion': c % 50 === 7 ? '6.14.263' : '6.16.1',
      'certificate.thumbprint': (c * 2654435761).toString(16).padStart(40, '0'),
      'certificate.notAfter': new Date(NOW + ((c % 400) + 5) * DAY).toISOString(),
    };
    if (c % 50 === 3)
      for (let k = c % every; k < o.keys; k += every)
        entries[`${NODE}${k}`] = { class: 'Variable', dataType: 'Double', access: 'RW', value: -k };
    return { cell: `plant.line1.c${c}`, entries: o.parsed ? JSON.parse(canonicalJson(entries)) : entries };
  });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (xs: readonly number[]) => `${s(Math.min(...xs))}–${s(Math.max(...xs))}`;

interface Timing {
  readonly before: number[];
  readonly after: number[];
  readonly rows: number;
}

/** Alternates which one runs first, so both see the same share of GC and neighbours' load. */
function measure(input: CompareInput, reps: number): Timing {
  const before: number[] = [];
  const after: number[] = [];
  let rows = 0;
  for (let r = 0; r < reps; r++) {
    const order = r % 2 === 0 ? (['ref', 'fast'] as const) : (['fast', 'ref'] as const);
    const out: Record<string, ReturnType<typeof compareSisters>> = {};
    for (const which of order) {
      const t = performance.now();
      out[which] = which === 'ref' ? compareSistersReference(input) : compareSisters(input);
      (which === 'ref' ? before : after).push(performance.now() - t);
    }
    if (r === 0) deepStrictEqual(out['fast'], out['ref'], 'fast and straightforward comparisons differ');
    rows = out['fast']!.rows.length;
  }
  process.stderr.write(
    `compare ${input.cells.length} cells: ${before.map(Math.round)} / ${after.map(Math.round)} ms\n`,
  );
  return { before, after, rows };
}

const row = (cells: number, keys: number, t: Timing, extra: string) => {
  const b = median(t.before);
  const a = median(t.after);
  return `| ${cells.toLocaleString('en')} | ${keys.toLocaleString('en')} | ${extra}${s(b)} | ${s(a)} (${spread(t.after)}) | ${(b / a).toFixed(1)}× | ${t.rows} | ${(((cells * keys) / a) * 1000).toExponential(2)} |`;
};

export function compareBench(reps = { goal: 7, growth: 3 }): string[] {
  const head = (first: string) => [
    `| cells | keys | ${first}before: straightforward (median) | after: fast path (median, range) | before / after | rows with differences | values/s (after) |`,
    `|---:|---:|${first === '' ? '' : '---|'}---:|---:|---:|---:|---:|`,
  ];
  const goal: string[] = [];
  for (const parsed of [false, true]) {
    const input = { group: 'bench', now: NOW, cells: sisters({ cells: 1000, keys: 5000, parsed }) };
    const label = parsed ? 'parsed from JSON, as the hub loads them | ' : 'share node objects | ';
    goal.push(row(1000, 5000, measure(input, reps.goal), label));
  }
  const growth: string[] = [];
  for (const [cells, keys] of [
    [100, 5000],
    [250, 5000],
    [500, 5000],
    [1000, 5000],
    [2000, 5000],
    [1000, 1000],
    [1000, 2500],
    [1000, 10_000],
  ] as const) {
    const input = { group: 'bench', now: NOW, cells: sisters({ cells, keys, parsed: true }) };
    growth.push(row(cells, keys, measure(input, reps.growth), ''));
  }
  const drift: string[] = [];
  for (const share of [0.01, 0.1, 0.5, 1]) {
    const input = {
      group: 'bench',
      now: NOW,
      cells: sisters({ cells: 1000, keys: 5000, drift: share, parsed: true }),
    };
    drift.push(row(1000, 5000, measure(input, reps.growth), `${share * 100} % | `));
  }
  return [
    '## Sister comparison (pure, one core)',
    '',
    `Goal (issue 4): 1,000 cells × 5,000 keys under 2 s. ${reps.goal} runs each, alternating; 1 % of keys differ on 2 % of cells, one cell in 50 runs another software version, every cell has its own certificate (ignored by default).`,
    '',
    ...head('snapshots | '),
    ...goal,
    '',
    `Growth, parsed from JSON, ${reps.growth} runs each:`,
    '',
    ...head(''),
    ...growth,
    '',
    `More drift (share of keys that differ on 2 % of cells; those keys go the careful way), 1,000 × 5,000 parsed, ${reps.growth} runs each:`,
    '',
    ...head('keys that differ | '),
    ...drift,
    '',
  ];
}
