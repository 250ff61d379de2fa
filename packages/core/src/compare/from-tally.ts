// The sister comparison read from a tally instead of every sister's snapshot: keys without
// deviants are the same on every cell (their base value is all that is read); only keys with
// deviants, or where the golden snapshot differs from the base, are compared cell by cell —
// with the same rows.ts as compare.ts, so ignore rules, tolerances and golden baselines apply
// exactly as there, and the result is the same (tally.test.ts checks it on random groups).
import type { Json } from '../canonical.ts';
import { flatKeysAcross, sameEntry } from './agreement.ts';
import { differingKey, finishWalk, ignoresPlainKey, sameKey, sortCells, startWalk } from './rows.ts';
import { spreadOf, talliedClasses } from './tallied-classes.ts';
import { entryOf, type Tally } from './tally.ts';
import type { CompareRules, Comparison, GoldenBaseline, SisterSnapshot } from './types.ts';

/** One key as the tally has it: the base value, and what each deviating cell holds instead. */
export interface TalliedKey {
  readonly key: string;
  /** Undefined: cells without a deviant row lack the key. */
  readonly base: Json | undefined;
  /** Deviating cell → its entry (undefined: lacks the key); empty or absent when none deviates. */
  readonly deviants?: ReadonlyMap<string, Json | undefined>;
}

export interface TallyCompareInput {
  readonly group: string;
  readonly now: number;
  /** Every member, with the entries certificateRows reads (certificate.*), not the whole snapshot. */
  readonly cells: readonly SisterSnapshot[];
  readonly keys: Iterable<TalliedKey>;
  readonly rules?: CompareRules;
  readonly golden?: GoldenBaseline;
}

export function compareFromTally(input: TallyCompareInput): Comparison {
  const cells = sortCells(input.cells);
  const compareInput = {
    group: input.group,
    now: input.now,
    cells,
    ...(input.rules ? { rules: input.rules } : {}),
    ...(input.golden ? { golden: input.golden } : {}),
  };
  const w = startWalk(compareInput, cells);
  const all = cells.map((c) => c.cell);
  const ignored = ignoresPlainKey(input.rules);
  let memberSet: Set<string> | undefined;
  const members = () => (memberSet ??= new Set(all));
  const golden = input.golden?.entries;
  const byKey = new Map<string, TalliedKey>();
  for (const k of input.keys) byKey.set(k.key, k);
  const keys = new Set(byKey.keys());
  if (golden) for (const k of Object.keys(golden)) keys.add(k);
  for (const key of [...keys].sort()) {
    const t = byKey.get(key);
    const base = t?.base;
    const deviants = t?.deviants;
    const g = golden?.[key];
    if ((deviants === undefined || deviants.size === 0) && (!golden || sameEntry(g, base))) {
      sameKey(w, key, golden ? g : base);
      continue;
    }
    const d = deviants ?? new Map<string, Json | undefined>();
    // An ignored plain key (certificate.*) has one flat key, counted when any cell or the golden
    // snapshot holds it; its values are never read (the tally may not even parse them).
    if (ignored(key)) {
      if (anyHolds(members, base, d) || g !== undefined) w.ignored++;
      continue;
    }
    const spread = spreadOf(all, base, d);
    const flat = flatKeysAcross(key, valuesInCellOrder(all, base, d, golden ? [g] : []));
    differingKey(w, key, { flat, classesOf: talliedClasses(spread) });
  }
  return finishWalk(w);
}

/** Whether some cell holds the key: a deviant with a value, or a cell without a row when the base is one. */
function anyHolds(
  members: () => ReadonlySet<string>,
  base: Json | undefined,
  deviants: ReadonlyMap<string, Json | undefined>,
): boolean {
  for (const [cell, v] of deviants) if (v !== undefined && members().has(cell)) return true;
  return base !== undefined && [...members()].some((c) => !deviants.has(c));
}

/** Each cell's entry of the key in cell order, then `extra` (the golden one's): read until flatKeysAcross has all. */
function* valuesInCellOrder(
  all: readonly string[],
  base: Json | undefined,
  deviants: ReadonlyMap<string, Json | undefined>,
  extra: readonly (Json | undefined)[],
): Generator<Json | undefined> {
  for (const cell of all) yield deviants.has(cell) ? deviants.get(cell) : base;
  yield* extra;
}

/** The keys of an in-memory tally, as compareFromTally reads them. */
export function talliedKeys(t: Tally): TalliedKey[] {
  return [...t.keys].map(([key, k]) => ({
    key,
    base: entryOf(k.base),
    deviants: new Map([...k.rows].map(([cell, v]) => [cell, entryOf(v)])),
  }));
}
