// Sister-cell comparison (issue 4 §5). For each key the baseline is the value most sisters
// share (or the pinned golden snapshot's value); a cell that differs is an outlier, explained
// in words. Ties are reported as ties, never guessed. Pure: `now` comes in with the input.
import type { Json } from '../canonical.ts';
import { globToRegExp } from '../snapshot/glob.ts';
import { flatKeysOf, isNodeKey, keyLabel, rulePath } from '../snapshot/keys.ts';
import { isNodeEntry } from '../snapshot/types.ts';
import { certificateRows } from './certificates.ts';
import {
  agreeingClasses,
  classId,
  groupValues,
  pickMajority,
  type ToleranceSpec,
  type ValueClass,
} from './classes.ts';
import type { CompareInput, Comparison, ComparisonRow, Outlier, SisterSnapshot } from './types.ts';
import { outlierText, rowText, tieText } from './words.ts';

/** Certificates are compared on their own (expiry table); thumbprints differ per cell by design. */
export const DEFAULT_COMPARE_IGNORE: readonly string[] = ['certificate.*'];

interface Matchers {
  readonly ignore: RegExp[];
  readonly tolerances: { re: RegExp; tol: ToleranceSpec }[];
}

function matchers(input: CompareInput): Matchers {
  const rules = input.rules ?? {};
  return {
    ignore: [...DEFAULT_COMPARE_IGNORE, ...(rules.ignore ?? [])].map(globToRegExp),
    tolerances: (rules.tolerances ?? []).map((t) => ({
      re: globToRegExp(t.match),
      tol: { ...(t.abs === undefined ? {} : { abs: t.abs }), ...(t.rel === undefined ? {} : { rel: t.rel }) },
    })),
  };
}

/** Rule paths to try: `A/B#value` also matches a rule written for the node `A/B`. */
function pathsOf(key: string): string[] {
  const p = rulePath(key);
  const hash = isNodeKey(key) ? p.indexOf('#') : -1;
  return hash < 0 ? [p] : [p, p.slice(0, hash)];
}

/** Entry keys (not flat keys) of every cell and the golden snapshot, sorted. */
function unionKeys(cells: readonly SisterSnapshot[], golden?: { entries: Record<string, Json> }): string[] {
  const keys = new Set<string>();
  for (const c of cells) for (const k in c.entries) keys.add(k);
  if (golden) for (const k in golden.entries) keys.add(k);
  return [...keys].sort();
}

/** A cheap identity for a whole entry: node entries without building canonical JSON. */
function signature(v: Json | undefined): string {
  if (isNodeEntry(v)) return `N${v.class}|${v.dataType}|${v.access}|${classId(v.value)}`;
  return classId(v);
}

function allSame(
  values: readonly (Json | undefined)[],
  golden: Json | undefined,
  hasGolden: boolean,
): boolean {
  const first = hasGolden ? golden : values[0];
  let sig: string | undefined;
  for (const v of values) {
    if (v === first) continue;
    sig ??= signature(first);
    if (signature(v) !== sig) return false;
  }
  return true;
}

function attribute(v: Json | undefined, attr: string | undefined): Json | undefined {
  if (!isNodeEntry(v)) return attr === undefined ? v : undefined;
  return attr === undefined ? v.class : v[attr as 'value'];
}

export function compareSisters(input: CompareInput): Comparison {
  const m = matchers(input);
  const cells = [...input.cells].sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
  const counts = new Map<string, number>(cells.map((c) => [c.cell, 0]));
  const rows: ComparisonRow[] = [];
  let identical = 0;
  let ignored = 0;
  const golden = input.golden;
  for (const key of unionKeys(cells, golden)) {
    const values = cells.map((c) => c.entries[key]);
    const g = golden?.entries[key];
    const same = allSame(values, g, golden !== undefined);
    // Flat keys from distinct values only: flatKeysOf allocates, and most cells share one value.
    const flat = new Set<string>();
    const seen = new Set<Json>();
    for (const v of same ? [golden ? g : values[0]] : golden ? [...values, g] : values) {
      if (v === undefined || (typeof v === 'object' && v !== null && seen.has(v))) continue;
      if (typeof v === 'object' && v !== null) seen.add(v);
      for (const f of flatKeysOf(key, v)) flat.add(f);
    }
    for (const fk of flat) {
      const paths = pathsOf(fk);
      if (m.ignore.some((re) => paths.some((p) => re.test(p)))) {
        ignored++;
        continue;
      }
      if (same) {
        identical++;
        continue;
      }
      const attr = fk === key ? undefined : fk.slice(key.length + 1);
      const tol = m.tolerances.find((t) => paths.some((p) => t.re.test(p)))?.tol;
      const row = compareKey(fk, cells, {
        values: values.map((v) => attribute(v, attr)),
        golden: golden ? { cell: golden.cell, value: attribute(g, attr) } : undefined,
        tol,
      });
      if (row === undefined) identical++;
      else {
        rows.push(row);
        for (const o of row.outliers) counts.set(o.cell, (counts.get(o.cell) ?? 0) + 1);
      }
    }
  }
  return assemble(input, { cells, counts, rows, identical, ignored });
}

interface KeyValues {
  readonly values: readonly (Json | undefined)[];
  readonly golden: { cell: string; value: Json | undefined } | undefined;
  readonly tol: ToleranceSpec | undefined;
}

function compareKey(key: string, cells: readonly SisterSnapshot[], kv: KeyValues): ComparisonRow | undefined {
  const golden = kv.golden;
  const classes = groupValues(cells.map((c, i) => ({ cell: c.cell, value: kv.values[i] })));
  if (classes.length === 1 && (!golden || classes[0]!.id === classId(golden.value))) return undefined;
  let base: ValueClass;
  if (golden) {
    const id = classId(golden.value);
    base = classes.find((c) => c.id === id) ?? { id, value: golden.value, cells: [] };
  } else {
    const pick = pickMajority(classes, kv.tol);
    if (pick.kind === 'tie') return tieRow(key, pick.tied);
    base = pick.base;
  }
  const agree = agreeingClasses(classes, base, kv.tol);
  const agreeing = agree.reduce((n, c) => n + c.cells.length, 0);
  const others = classes.filter((c) => !agree.includes(c));
  if (others.length === 0) return undefined;
  const outliers: Outlier[] = others.flatMap((c) =>
    c.cells.map((cell) => ({
      cell,
      ...(c.value === undefined ? {} : { value: c.value }),
      text: outlierText(cell, c.value, {
        key,
        agreeing,
        sisters: cells.length,
        baseline: base.value,
        ...(golden ? { golden: golden.cell } : {}),
      }),
    })),
  );
  return {
    key,
    label: keyLabel(key),
    status: 'outliers',
    ...(base.value === undefined ? {} : { baseline: base.value }),
    baselineSource: golden ? 'golden' : 'majority',
    agreeing,
    outliers,
    text: rowText(
      key,
      base.value,
      agreeing,
      cells.length,
      outliers.map((o) => o.cell),
    ),
  };
}

function tieRow(key: string, tied: readonly ValueClass[]): ComparisonRow {
  return {
    key,
    label: keyLabel(key),
    status: 'tie',
    baselineSource: 'majority',
    agreeing: 0,
    outliers: [],
    tie: tied.map((c) => ({ ...(c.value === undefined ? {} : { value: c.value }), cells: [...c.cells] })),
    text: tieText(key, tied),
  };
}

function assemble(
  input: CompareInput,
  r: {
    cells: SisterSnapshot[];
    counts: Map<string, number>;
    rows: ComparisonRow[];
    identical: number;
    ignored: number;
  },
): Comparison {
  const certificates = certificateRows(r.cells, input.now, input.rules?.expiryWarningDays);
  const ties = r.rows.filter((x) => x.status === 'tie').length;
  const withOutliers = [...r.counts.values()].filter((n) => n > 0).length;
  const compared = r.rows.length + r.identical;
  const summary = [
    `${r.cells.length} cells compared on ${compared} keys (${r.identical} identical, ${r.ignored} ignored)`,
    `${withOutliers} cell${withOutliers === 1 ? '' : 's'} with outliers; ${ties} tie${ties === 1 ? '' : 's'}`,
    ...certificates
      .filter((c) => c.state === 'expired' || c.state === 'expiring')
      .map((c) => `certificate ${c.text}`),
  ];
  return {
    group: input.group,
    generatedAt: input.now,
    baselineSource: input.golden ? 'golden' : 'majority',
    ...(input.golden ? { golden: { cell: input.golden.cell, hash: input.golden.hash } } : {}),
    cells: r.cells.map((c) => ({
      cell: c.cell,
      ...(c.hash === undefined ? {} : { hash: c.hash }),
      ...(c.takenAt === undefined ? {} : { takenAt: c.takenAt }),
      outliers: r.counts.get(c.cell) ?? 0,
    })),
    keysCompared: compared,
    keysIdentical: r.identical,
    keysIgnored: r.ignored,
    rows: r.rows,
    certificates,
    summary,
  };
}
