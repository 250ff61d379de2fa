// Grouping one key's values across cells into classes of equal values, and picking the
// baseline class: the most common one, or a tie when two or more share the top count.
import { canonicalJson, type Json } from '../canonical.ts';
import { isRedacted } from '../snapshot/types.ts';

export interface ValueClass {
  readonly id: string;
  readonly value: Json | undefined;
  readonly cells: string[];
}

/** Secrets compare by presence only: fingerprints are salted per agent, so they differ by design. */
export function classId(v: Json | undefined): string {
  if (v === undefined) return '∅';
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return `n${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    default:
      return isRedacted(v) ? 'R' : `j${canonicalJson(v)}`;
  }
}

export function groupValues(cells: readonly { cell: string; value: Json | undefined }[]): ValueClass[] {
  const byId = new Map<string, ValueClass>();
  // Most cells hold the value the cell before holds: the same string, number or object needs
  // no id (building ids was most of the time spent on a key where 20 of 1,000 cells differ).
  let last: ValueClass | undefined;
  for (const c of cells) {
    if (last !== undefined && c.value === last.value) {
      last.cells.push(c.cell);
      continue;
    }
    const id = classId(c.value);
    last = byId.get(id);
    if (last) last.cells.push(c.cell);
    else {
      last = { id, value: c.value, cells: [c.cell] };
      byId.set(id, last);
    }
  }
  return [...byId.values()].sort((a, b) => b.cells.length - a.cells.length || (a.id < b.id ? -1 : 1));
}

export interface ToleranceSpec {
  readonly abs?: number;
  readonly rel?: number;
}

export function withinTolerance(
  value: Json | undefined,
  baseline: Json | undefined,
  tol: ToleranceSpec,
): boolean {
  if (typeof value !== 'number' || typeof baseline !== 'number') return false;
  const diff = Math.abs(value - baseline);
  if (tol.abs !== undefined && diff <= tol.abs) return true;
  return tol.rel !== undefined && diff <= tol.rel * Math.abs(baseline);
}

/** Classes that agree with `base`: equal, or numeric and within tolerance. */
export function agreeingClasses(
  classes: readonly ValueClass[],
  base: ValueClass,
  tol?: ToleranceSpec,
): ValueClass[] {
  return classes.filter(
    (c) => c.id === base.id || (tol !== undefined && withinTolerance(c.value, base.value, tol)),
  );
}

const support = (classes: readonly ValueClass[], c: ValueClass, tol?: ToleranceSpec): number =>
  tol === undefined
    ? c.cells.length
    : agreeingClasses(classes, c, tol).reduce((n, a) => n + a.cells.length, 0);

export type BaselinePick = { kind: 'baseline'; base: ValueClass } | { kind: 'tie'; tied: ValueClass[] };

/** The majority class; with a tolerance, the class that the most cells are within tolerance of. */
export function pickMajority(classes: readonly ValueClass[], tol?: ToleranceSpec): BaselinePick {
  const scored = classes
    .map((c) => ({ c, s: support(classes, c, tol) }))
    .sort((a, b) => b.s - a.s || b.c.cells.length - a.c.cells.length);
  const best = scored[0]!;
  const tied = scored.filter(
    (x) =>
      x !== best &&
      x.s === best.s &&
      x.c.cells.length === best.c.cells.length &&
      !(tol !== undefined && withinTolerance(x.c.value, best.c.value, tol)),
  );
  if (tied.length === 0) return { kind: 'baseline', base: best.c };
  return { kind: 'tie', tied: [best.c, ...tied.map((x) => x.c)] };
}

/** Equal as JSON: what `canonicalJson(a) === canonicalJson(b)` says, without building strings. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  // canonicalJson drops members whose value is undefined.
  let n = 0;
  for (const k of Object.keys(ra)) {
    if (ra[k] === undefined) continue;
    n++;
    if (!Object.hasOwn(rb, k) || !jsonEqual(ra[k], rb[k])) return false;
  }
  for (const k of Object.keys(rb)) if (rb[k] !== undefined) n--;
  return n === 0;
}

/** `classId(a) === classId(b)`, without building either id: the comparison's inner loop. */
export function sameClass(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  const type = typeof a;
  if (type !== typeof b) return false;
  if (type === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (type !== 'object') return false;
  const ra = isRedacted(a);
  if (ra || isRedacted(b)) return ra && isRedacted(b);
  return jsonEqual(a, b);
}
