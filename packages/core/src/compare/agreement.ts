// Which keys need a closer look. Most keys of a sister group hold the same value on every
// cell, so one pass over each snapshot, in its own key order, against a reference snapshot
// (the golden one, else the first cell) finds the few keys where some cell differs or lacks
// the key. Only those are read cell by cell (rows.ts `differingKey`). Issue 4: 1,000 cells ×
// 5,000 keys under 2 s; reading key by key across 1,000 parsed snapshots misses the CPU cache
// on every read, and building a string per value to compare was most of the 6.1 s.
import type { Json } from '../canonical.ts';
import { isNodeKey, type NodeAttribute } from '../snapshot/keys.ts';
import { isNodeEntry, type SnapshotEntries } from '../snapshot/types.ts';
import { sameClass } from './classes.ts';

/**
 * True only if every flat key of the two entries (presence, data type, access, value) has the
 * same class id. May say false for entries that agree (a node entry against a plain value);
 * those go the careful way and come out identical there.
 */
export function sameEntry(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (isNodeEntry(a)) {
    return (
      isNodeEntry(b) &&
      a.class === b.class &&
      sameClass(a.value, b.value) &&
      sameClass(a.dataType, b.dataType) &&
      sameClass(a.access, b.access)
    );
  }
  return !isNodeEntry(b) && sameClass(a, b);
}

export interface Agreement {
  /** Every entry key of the cells and the reference, sorted. */
  readonly keys: string[];
  /** Keys where some cell differs from the reference or lacks the key, or only some have it. */
  readonly differs: ReadonlySet<string>;
}

/** `ref`: the golden snapshot's entries, else the first cell's; `others`: every other snapshot. */
export function agreement(ref: SnapshotEntries, others: readonly SnapshotEntries[]): Agreement {
  const refKeys = Object.keys(ref);
  const refValues = Object.values(ref);
  const n = refKeys.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(refKeys[i]!, i);
  // Cells sharing one entries object (an unchanged cell whose body the caller parsed once) are
  // scanned once and counted with their weight.
  const weights = new Map<SnapshotEntries, number>();
  for (const e of others) if (e !== ref) weights.set(e, (weights.get(e) ?? 0) + 1);
  const holders = new Int32Array(n);
  const differs = new Uint8Array(n);
  const extra = new Set<string>();
  let scanned = 0;
  for (const [entries, weight] of weights) {
    scanned += weight;
    // Object.keys, then a lookup per key: on a parsed 5,000-key snapshot (a dictionary-mode
    // object) Object.values and Object.entries take 3-4 times as long.
    const keys = Object.keys(entries);
    // Parsed canonical snapshots list keys in the same (sorted) order, so the next reference
    // key is almost always the one; the map is for cells with extra or missing keys.
    let next = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const at = next < n && refKeys[next] === k ? next : index.get(k);
      if (at === undefined) {
        extra.add(k);
        continue;
      }
      next = at + 1;
      holders[at]! += weight;
      if (differs[at] === 0 && !sameEntry(entries[k], refValues[at])) differs[at] = 1;
    }
  }
  const differing = new Set<string>(extra);
  for (let i = 0; i < n; i++) if (differs[i] === 1 || holders[i] !== scanned) differing.add(refKeys[i]!);
  const keys = extra.size === 0 ? refKeys : [...refKeys, ...extra];
  return { keys: keys.sort(), differs: differing };
}

const ATTRIBUTES: readonly NodeAttribute[] = ['dataType', 'access', 'value'];
const ALL = (1 << ATTRIBUTES.length) - 1;

/**
 * The flat keys of one key across `values`, in the order `flatKeysOf` over each value in turn
 * would first give them, without a Set or an array per value; stops once all are found.
 */
export function flatKeysAcross(key: string, values: Iterable<Json | undefined>): string[] {
  const out: string[] = [];
  const node = isNodeKey(key);
  let found = 0;
  for (const v of values) {
    if (v === undefined) continue;
    if (out.length === 0) out.push(key);
    if (!node) break;
    if (!isNodeEntry(v)) continue;
    for (let i = 0; i < ATTRIBUTES.length; i++) {
      const a = ATTRIBUTES[i]!;
      if ((found & (1 << i)) === 0 && v[a] !== undefined) {
        found |= 1 << i;
        out.push(`${key}#${a}`);
      }
    }
    if (found === ALL) break;
  }
  return out;
}
