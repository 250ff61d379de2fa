// The sister tally (issue 16 §6): per group and entry key, the value most cells are counted
// against (the base) and the cells that hold something else (deviants). Sisters are ≥ 99 %
// identical, so the tally is small — one base per key, a row per deviating cell — and a
// comparison reads only the keys with deviants instead of every sister's whole snapshot.
// The hub keeps it in its database, updated from each ingest's diff; this file decides what a
// change does to it, and builds the full recomputation the incremental one must equal.
// Values are canonical JSON (equal entries, equal strings); null is "the cell lacks the key".
import { canonicalJson, type Json } from '../canonical.ts';
import { isNodeKey } from '../snapshot/keys.ts';
import type { SnapshotEntries } from '../snapshot/types.ts';

export type TallyValue = string | null;

export const tallyValue = (entry: Json | undefined): TallyValue =>
  entry === undefined ? null : canonicalJson(entry);

export const entryOf = (v: TallyValue): Json | undefined =>
  v === null ? undefined : (JSON.parse(v) as Json);

/** One key of one group: cells without a deviant row hold `base`. */
export interface KeyTally {
  readonly base: TallyValue;
  readonly deviants: number;
}

export type RowStep =
  | { readonly kind: 'keep' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'set'; readonly value: TallyValue };

export interface CellStep {
  /** The key's new state; undefined: no cell holds the key any more, drop it. */
  readonly key: KeyTally | undefined;
  readonly row: RowStep;
}

const settle = (k: KeyTally): KeyTally | undefined => (k.base === null && k.deviants === 0 ? undefined : k);

/**
 * A member cell's entry of one key becomes `next`. `key`: the key's state (undefined: no member
 * holds it, so every member lacks it: base null); `row`: the cell's deviant row (undefined: none,
 * the cell holds the base); `members`: how many cells the group has, this one included (a key
 * new to a group of one starts with the one cell's value as its base, not as a deviation).
 */
export function stepCell(
  key: KeyTally | undefined,
  row: TallyValue | undefined,
  next: TallyValue,
  members = 0,
): CellStep {
  if (key === undefined && members === 1 && next !== null)
    return { key: { base: next, deviants: 0 }, row: { kind: 'keep' } };
  const k = key ?? { base: null, deviants: 0 };
  const had = row !== undefined;
  if (next === k.base) {
    if (!had) return { key, row: { kind: 'keep' } };
    return { key: settle({ base: k.base, deviants: k.deviants - 1 }), row: { kind: 'delete' } };
  }
  if (had && row === next) return { key, row: { kind: 'keep' } };
  return {
    key: settle({ base: k.base, deviants: k.deviants + (had ? 0 : 1) }),
    row: { kind: 'set', value: next },
  };
}

/** A member leaves the group: its deviant row (if any) goes, and with it maybe the key. */
export function leaveCell(key: KeyTally, hadRow: boolean): KeyTally | undefined {
  return hadRow ? settle({ base: key.base, deviants: key.deviants - 1 }) : key;
}

/** Whether a key's base may no longer be the most held value (then its rows are worth reading). */
export const mayRebase = (key: KeyTally, members: number): boolean => key.deviants * 2 > members;

/**
 * The value to count a key against: the one most cells hold; on a tie the current base stays
 * (no churn), else the smallest value. `rows`: every deviant row of the key.
 */
export function chooseBase(base: TallyValue, members: number, rows: Iterable<TallyValue>): TallyValue {
  const counts = new Map<TallyValue, number>();
  let deviants = 0;
  for (const v of rows) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
    deviants++;
  }
  let best = base;
  let most = members - deviants;
  for (const [v, n] of counts) {
    if (n > most || (n === most && best !== base && order(v, best) < 0)) {
      best = v;
      most = n;
    }
  }
  return best;
}

const order = (a: TallyValue, b: TallyValue): number =>
  a === b ? 0 : a === null ? -1 : b === null || a < b ? -1 : 1;

/** Deviant rows of a key counted against `next` instead of `base`; `members`: every member cell. */
export function rebaseRows(
  members: readonly string[],
  base: TallyValue,
  rows: ReadonlyMap<string, TallyValue>,
  next: TallyValue,
): Map<string, TallyValue> {
  const out = new Map<string, TallyValue>();
  for (const cell of members) {
    const v = rows.has(cell) ? rows.get(cell)! : base;
    if (v !== next) out.set(cell, v);
  }
  return out;
}

/** A whole group's tally, in memory: the full recomputation, and what the database is read into. */
export interface Tally {
  /** Member cell → hash of the snapshot counted. */
  readonly members: Map<string, string>;
  readonly keys: Map<string, { base: TallyValue; rows: Map<string, TallyValue> }>;
}

export interface TalliedCell {
  readonly cell: string;
  readonly hash: string;
  readonly entries: SnapshotEntries;
}

/** The tally of `cells` from scratch: every key counted against the value most cells hold. */
export function tallyOf(cells: readonly TalliedCell[]): Tally {
  const members = new Map(cells.map((c) => [c.cell, c.hash]));
  const byKey = new Map<string, Map<string, TallyValue>>();
  for (const c of cells) {
    for (const k of Object.keys(c.entries)) {
      const held = byKey.get(k) ?? new Map<string, TallyValue>();
      byKey.set(k, held);
      held.set(c.cell, tallyValue(c.entries[k]));
    }
  }
  const names = [...members.keys()];
  const keys: Tally['keys'] = new Map();
  for (const [k, held] of byKey) {
    const all = names.map((cell) => held.get(cell) ?? null);
    const base = chooseBase(null, names.length, all);
    const rows = new Map<string, TallyValue>();
    names.forEach((cell, i) => {
      if (all[i] !== base) rows.set(cell, all[i]!);
    });
    keys.set(k, { base, rows });
  }
  return { members, keys };
}

/**
 * Where two tallies of one group disagree on what some member holds (the base chosen may
 * differ; what each cell holds may not): member cells missing or counted at another hash, and
 * keys. Empty when they agree.
 */
export function tallyDifferences(actual: Tally, expected: Tally): string[] {
  const out: string[] = [];
  for (const [cell, hash] of expected.members)
    if (actual.members.get(cell) !== hash) out.push(`member ${cell}`);
  for (const cell of actual.members.keys()) if (!expected.members.has(cell)) out.push(`member ${cell}`);
  const cells = [...expected.members.keys()];
  const held = (t: Tally, key: string, cell: string): TallyValue => {
    const k = t.keys.get(key);
    if (!k) return null;
    return k.rows.has(cell) ? k.rows.get(cell)! : k.base;
  };
  const keys = new Set([...actual.keys.keys(), ...expected.keys.keys()]);
  for (const key of [...keys].sort()) {
    const a = actual.keys.get(key);
    const stale =
      a !== undefined &&
      ((a.base === null && a.rows.size === 0) || [...a.rows.keys()].some((c) => !expected.members.has(c)));
    if (stale || cells.some((c) => held(actual, key, c) !== held(expected, key, c))) out.push(`key ${key}`);
  }
  return out;
}

/** The entry keys a diff touches: its flat keys (`node#value`) back to the entries they belong to. */
export function changedEntryKeys(changes: Iterable<{ readonly key: string }>): Set<string> {
  const out = new Set<string>();
  for (const { key } of changes) {
    const hash = isNodeKey(key) ? key.indexOf('#') : -1;
    out.add(hash < 0 ? key : key.slice(0, hash));
  }
  return out;
}
