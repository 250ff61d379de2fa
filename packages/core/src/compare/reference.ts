// The straightforward sister comparison: for every key, read it from every cell, and compare
// the cells' values as strings. It is the specification the fast path (compare.ts) is tested
// against on randomized inputs (compare.table.test.ts) and the "before" of bench/snapshot.ts.
import type { Json } from '../canonical.ts';
import { flatKeysOf } from '../snapshot/keys.ts';
import { isNodeEntry } from '../snapshot/types.ts';
import { classId } from './classes.ts';
import { classesByCell, differingKey, finishWalk, sameKey, sortCells, startWalk } from './rows.ts';
import type { CompareInput, Comparison, SisterSnapshot } from './types.ts';

/** Entry keys (not flat keys) of every cell and the golden snapshot, sorted. */
function unionKeys(cells: readonly SisterSnapshot[], golden?: { entries: Record<string, Json> }): string[] {
  const keys = new Set<string>();
  for (const c of cells) for (const k in c.entries) keys.add(k);
  if (golden) for (const k in golden.entries) keys.add(k);
  return [...keys].sort();
}

/** Each part length-prefixed, so `a|b` + `c` and `a` + `b|c` cannot collide. */
const part = (v: Json | undefined): string => {
  const id = classId(v);
  return `${id.length}:${id}`;
};

/** An identity for a whole entry: a node by its class and the class ids of its attributes. */
function signature(v: Json | undefined): string {
  if (isNodeEntry(v)) return `N${part(v.class)}${part(v.dataType)}${part(v.access)}${part(v.value)}`;
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

/** Flat keys from distinct values only: flatKeysOf allocates, and most cells share one value. */
function flatKeys(key: string, values: readonly (Json | undefined)[]): Set<string> {
  const flat = new Set<string>();
  const seen = new Set<Json>();
  for (const v of values) {
    if (v === undefined || (typeof v === 'object' && v !== null && seen.has(v))) continue;
    if (typeof v === 'object' && v !== null) seen.add(v);
    for (const f of flatKeysOf(key, v)) flat.add(f);
  }
  return flat;
}

export function compareSistersReference(input: CompareInput): Comparison {
  const cells = sortCells(input.cells);
  const w = startWalk(input, cells);
  const golden = input.golden;
  for (const key of unionKeys(cells, golden)) {
    const values = cells.map((c) => c.entries[key]);
    const g = golden?.entries[key];
    if (allSame(values, g, golden !== undefined)) sameKey(w, key, golden ? g : values[0]);
    else
      differingKey(w, key, {
        flat: flatKeys(key, golden ? [...values, g] : values),
        classesOf: classesByCell(cells, values),
      });
  }
  return finishWalk(w);
}
