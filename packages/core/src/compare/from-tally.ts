// The sister comparison read from a tally instead of every sister's snapshot: keys without
// deviants are the same on every cell (their base value is all that is read); only keys with
// deviants, or where the golden snapshot differs from the base, are compared cell by cell —
// with the same rows.ts as compare.ts, so ignore rules, tolerances and golden baselines apply
// exactly as there, and the result is the same (tally.test.ts checks it on random groups).
import type { Json } from '../canonical.ts';
import { flatKeysAcross, sameEntry } from './agreement.ts';
import { differingKey, finishWalk, sameKey, sortCells, startWalk } from './rows.ts';
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
    const values = cells.map((c) => (deviants?.has(c.cell) ? deviants.get(c.cell) : base));
    const flat = flatKeysAcross(key, golden ? [...values, g] : values);
    differingKey(w, key, { values, flat });
  }
  return finishWalk(w);
}

/** The keys of an in-memory tally, as compareFromTally reads them. */
export function talliedKeys(t: Tally): TalliedKey[] {
  return [...t.keys].map(([key, k]) => ({
    key,
    base: entryOf(k.base),
    deviants: new Map([...k.rows].map(([cell, v]) => [cell, entryOf(v)])),
  }));
}
