// One key of the sister comparison, shared by the fast path (compare.ts) and the straightforward
// one (reference.ts) so both produce the same rows: flat keys, ignore rules, tolerances,
// baseline choice and words.
import type { Json } from '../canonical.ts';
import { globToRegExp } from '../snapshot/glob.ts';
import { flatKeysOf, isNodeKey, keyLabel, namePath, rulePath } from '../snapshot/keys.ts';
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

function matchers(rules: CompareInput['rules'] = {}): Matchers {
  return {
    ignore: [...DEFAULT_COMPARE_IGNORE, ...(rules.ignore ?? [])].map(globToRegExp),
    tolerances: (rules.tolerances ?? []).map((t) => ({
      re: globToRegExp(t.match),
      tol: { ...(t.abs === undefined ? {} : { abs: t.abs }), ...(t.rel === undefined ? {} : { rel: t.rel }) },
    })),
  };
}

/**
 * Rule paths to try for each flat key of entry key `key`: `A/B#value` also matches a rule written
 * for the node `A/B`. The key is parsed once for all its flat keys (most of a comparison's time
 * on identical keys went to parsing the same node path once per attribute).
 */
function pathsFor(key: string): (flat: string) => string[] {
  if (!isNodeKey(key)) return (flat) => [rulePath(flat)];
  const names = namePath(key);
  return (flat) => {
    const p = flat === key ? names : `${names}#${flat.slice(key.length + 1)}`;
    const hash = p.indexOf('#');
    return hash < 0 ? [p] : [p, p.slice(0, hash)];
  };
}

/**
 * Whether `rules` (with the default ignores) ignore a key that is not a node key as a whole: a
 * comparison then only counts it, never reads its values (the tally skips parsing them).
 */
export function ignoresPlainKey(rules?: CompareInput['rules']): (key: string) => boolean {
  const { ignore } = matchers(rules);
  return (key) => !isNodeKey(key) && ignore.some((re) => re.test(rulePath(key)));
}

/** One flat key's value in an entry: the attribute of a node entry, or the class for its presence key. */
export function attribute(v: Json | undefined, attr: string | undefined): Json | undefined {
  if (!isNodeEntry(v)) return attr === undefined ? v : undefined;
  return attr === undefined ? v.class : v[attr as 'value'];
}

export function sortCells(cells: readonly SisterSnapshot[]): SisterSnapshot[] {
  return [...cells].sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
}

/** The comparison being built, key by key, in sorted key order. */
export interface Walk {
  readonly input: CompareInput;
  readonly cells: readonly SisterSnapshot[];
  readonly m: Matchers;
  readonly counts: Map<string, number>;
  readonly rows: ComparisonRow[];
  identical: number;
  ignored: number;
}

export function startWalk(input: CompareInput, cells: readonly SisterSnapshot[]): Walk {
  const counts = new Map<string, number>(cells.map((c) => [c.cell, 0]));
  return { input, cells, m: matchers(input.rules), counts, rows: [], identical: 0, ignored: 0 };
}

/** A key on which every cell (and the golden snapshot) agrees: `value` is the one they share. */
export function sameKey(w: Walk, key: string, value: Json | undefined): void {
  if (value === undefined) return;
  const pathsOf = pathsFor(key);
  for (const fk of flatKeysOf(key, value)) {
    const paths = pathsOf(fk);
    if (w.m.ignore.some((re) => paths.some((p) => re.test(p)))) w.ignored++;
    else w.identical++;
  }
}

/** The value classes of one flat key (`attr`: the node attribute, undefined for the key itself), cells in order. */
export type ClassesOf = (attr: string | undefined) => ValueClass[];

/** ClassesOf from every cell's entry of the key (`values`, in cell order). */
export const classesByCell =
  (cells: readonly SisterSnapshot[], values: readonly (Json | undefined)[]): ClassesOf =>
  (attr) =>
    groupValues(cells.map((c, i) => ({ cell: c.cell, value: attribute(values[i], attr) })));

/**
 * A key on which the cells may differ: `flat` its flat keys (from every cell's value, then the
 * golden one's, in order of first appearance), `classesOf` its cells' value classes per flat key.
 */
export function differingKey(
  w: Walk,
  key: string,
  { flat, classesOf }: { flat: Iterable<string>; classesOf: ClassesOf },
): void {
  const golden = w.input.golden;
  const g = golden?.entries[key];
  const pathsOf = pathsFor(key);
  for (const fk of flat) {
    const paths = pathsOf(fk);
    if (w.m.ignore.some((re) => paths.some((p) => re.test(p)))) {
      w.ignored++;
      continue;
    }
    const attr = fk === key ? undefined : fk.slice(key.length + 1);
    const tol = w.m.tolerances.find((t) => paths.some((p) => t.re.test(p)))?.tol;
    const row = compareKey(fk, w.cells.length, {
      classes: classesOf(attr),
      golden: golden ? { cell: golden.cell, value: attribute(g, attr) } : undefined,
      tol,
    });
    if (row === undefined) w.identical++;
    else {
      w.rows.push(row);
      for (const o of row.outliers) w.counts.set(o.cell, (w.counts.get(o.cell) ?? 0) + 1);
    }
  }
}

interface KeyValues {
  /** The cells' value classes, most cells first (groupValues). */
  readonly classes: readonly ValueClass[];
  readonly golden: { cell: string; value: Json | undefined } | undefined;
  readonly tol: ToleranceSpec | undefined;
}

function compareKey(key: string, sisters: number, kv: KeyValues): ComparisonRow | undefined {
  const { golden, classes } = kv;
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
        sisters,
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
      sisters,
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

export function finishWalk(w: Walk): Comparison {
  const { input, cells } = w;
  const certificates = certificateRows(cells, input.now, input.rules?.expiryWarningDays);
  const ties = w.rows.filter((x) => x.status === 'tie').length;
  const withOutliers = [...w.counts.values()].filter((n) => n > 0).length;
  const compared = w.rows.length + w.identical;
  const summary = [
    `${cells.length} cells compared on ${compared} keys (${w.identical} identical, ${w.ignored} ignored)`,
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
    cells: cells.map((c) => ({
      cell: c.cell,
      ...(c.hash === undefined ? {} : { hash: c.hash }),
      ...(c.takenAt === undefined ? {} : { takenAt: c.takenAt }),
      outliers: w.counts.get(c.cell) ?? 0,
    })),
    keysCompared: compared,
    keysIdentical: w.identical,
    keysIgnored: w.ignored,
    rows: w.rows,
    certificates,
    summary,
  };
}
