// Sister-cell comparison (issue 4 §5). For each key the baseline is the value most sisters
// share (or the pinned golden snapshot's value); a cell that differs is an outlier, explained
// in words. Ties are reported as ties, never guessed. Pure: `now` comes in with the input.
// Fast path: agreement.ts finds the keys where cells differ; only those are compared cell by
// cell. reference.ts is the straightforward version it must match.
import { agreement, flatKeysAcross } from './agreement.ts';
import { classesByCell, differingKey, finishWalk, sameKey, sortCells, startWalk } from './rows.ts';
import type { CompareInput, Comparison } from './types.ts';

export { DEFAULT_COMPARE_IGNORE, ignoresPlainKey } from './rows.ts';

export function compareSisters(input: CompareInput): Comparison {
  const cells = sortCells(input.cells);
  const w = startWalk(input, cells);
  const golden = input.golden;
  const ref = golden?.entries ?? cells[0]?.entries;
  if (ref === undefined) return finishWalk(w);
  const others = (golden ? cells : cells.slice(1)).map((c) => c.entries);
  const { keys, differs } = agreement(ref, others);
  for (const key of keys) {
    if (!differs.has(key)) {
      sameKey(w, key, ref[key]);
      continue;
    }
    const values = cells.map((c) => c.entries[key]);
    const flat = flatKeysAcross(key, golden ? [...values, golden.entries[key]] : values);
    differingKey(w, key, { flat, classesOf: classesByCell(cells, values) });
  }
  return finishWalk(w);
}
