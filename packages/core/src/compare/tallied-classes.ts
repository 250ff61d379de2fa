// The value classes of one key read from the sister tally, without a visit to every cell per
// flat key: cells without a deviant row all hold the base, so a flat key's classes come from the
// base and the few deviants. At 10,000 cells this is what keeps a comparison from the tally from
// walking 10,000 values for each attribute of each key that differs somewhere.
import type { Json } from '../canonical.ts';
import { classId, type ValueClass } from './classes.ts';
import { attribute, type ClassesOf } from './rows.ts';

/** One key across the group, split once: who holds the base, who holds what instead. */
export interface TalliedSpread {
  readonly base: Json | undefined;
  /** Cells with a deviant row, in cell order, and what each holds (undefined: lacks the key). */
  readonly deviants: readonly (readonly [cell: string, entry: Json | undefined])[];
  /** Cells without a deviant row (they hold the base), in cell order. */
  readonly holders: readonly string[];
  /** Every cell, in order. */
  readonly all: readonly string[];
}

/** Splits the cells (`all`, in order) into holders of the base and deviants. */
export function spreadOf(
  all: readonly string[],
  base: Json | undefined,
  deviants: ReadonlyMap<string, Json | undefined>,
): TalliedSpread {
  const holders: string[] = [];
  const apart: [string, Json | undefined][] = [];
  for (const cell of all) {
    if (deviants.has(cell)) apart.push([cell, deviants.get(cell)]);
    else holders.push(cell);
  }
  return { base, deviants: apart, holders, all };
}

/**
 * The classes groupValues would build from every cell's value, in the same order and with the
 * same cells: each class's cells in cell order, its value the first of them's, most cells first.
 */
export function talliedClasses(s: TalliedSpread): ClassesOf {
  return (attr) => {
    const baseValue = attribute(s.base, attr);
    const baseId = classId(baseValue);
    const byId = new Map<string, ValueClass>();
    /** Deviant cells whose value of this flat key is not the base's. */
    const apart = new Set<string>();
    /** The first deviant whose value of this flat key is in the base's class after all. */
    let sharing: { cell: string; value: Json | undefined } | undefined;
    for (const [cell, entry] of s.deviants) {
      const v = attribute(entry, attr);
      const id = v === baseValue ? baseId : classId(v);
      if (id === baseId) {
        sharing ??= { cell, value: v };
        continue;
      }
      apart.add(cell);
      const c = byId.get(id);
      if (c) c.cells.push(cell);
      else byId.set(id, { id, value: v, cells: [cell] });
    }
    const classes = [...byId.values()];
    const cells = !sharing
      ? s.holders.slice()
      : apart.size === 0
        ? s.all.slice()
        : s.all.filter((c) => !apart.has(c));
    if (cells.length > 0) {
      // groupValues keeps the class's first cell's value: a deviant's (equal) one when it comes first.
      const first = s.holders[0];
      const value = sharing && (first === undefined || sharing.cell < first) ? sharing.value : baseValue;
      classes.push({ id: baseId, value, cells });
    }
    return classes.sort((a, b) => b.cells.length - a.cells.length || (a.id < b.id ? -1 : 1));
  };
}
