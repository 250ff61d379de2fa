// Diff of two snapshots: added / removed / changed keys with old and new values, sorted by
// key, and the same in words for drift events.
import { canonicalJson, type Json } from '../canonical.ts';
import { flattenEntries, isNodeKey, isPresenceKey, keyLabel } from './keys.ts';
import type { SnapshotEntries } from './types.ts';
import { formatAt, formatValue } from './words.ts';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface EntryChange {
  readonly key: string;
  readonly label: string;
  readonly kind: ChangeKind;
  /** Absent when added. */
  readonly from?: Json;
  /** Absent when removed. */
  readonly to?: Json;
}

export interface SnapshotDiff {
  readonly added: EntryChange[];
  readonly removed: EntryChange[];
  readonly changed: EntryChange[];
}

export function sameValue(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** Diff over the flat view, so a changed value reads `…/Speed changed 100 → 120`. */
export function diffEntries(fromEntries: SnapshotEntries, toEntries: SnapshotEntries): SnapshotDiff {
  const from = flattenEntries(fromEntries);
  const to = flattenEntries(toEntries);
  const out: SnapshotDiff = { added: [], removed: [], changed: [] };
  for (const key of Object.keys(from).sort()) {
    const a = from[key];
    if (!Object.hasOwn(to, key)) out.removed.push({ key, label: keyLabel(key), kind: 'removed', from: a! });
    else if (!sameValue(a, to[key])) {
      out.changed.push({ key, label: keyLabel(key), kind: 'changed', from: a!, to: to[key]! });
    }
  }
  for (const key of Object.keys(to).sort()) {
    if (!Object.hasOwn(from, key)) out.added.push({ key, label: keyLabel(key), kind: 'added', to: to[key]! });
  }
  return { ...out, added: wholeNodes(out.added), removed: wholeNodes(out.removed) };
}

/** A node added or removed as a whole is one change, not one per attribute. */
function wholeNodes(changes: EntryChange[]): EntryChange[] {
  const nodes = new Set(changes.filter((c) => isPresenceKey(c.key)).map((c) => c.key));
  return changes.filter((c) => {
    const hash = isNodeKey(c.key) ? c.key.lastIndexOf('#') : -1;
    return hash < 0 || !nodes.has(c.key.slice(0, hash));
  });
}

export function changeCount(d: SnapshotDiff): number {
  return d.added.length + d.removed.length + d.changed.length;
}

/** All changes in one list, ordered by key. */
export function allChanges(d: SnapshotDiff): EntryChange[] {
  return [...d.added, ...d.removed, ...d.changed].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
}

/** `softwareVersion changed 6.16.1 → 6.14.263`, `Channel2/Device1 (node) removed (was Object)`. */
export function describeChange(c: EntryChange): string {
  switch (c.kind) {
    case 'changed':
      return `${c.label} changed ${formatValue(c.from)} → ${formatValue(c.to)}`;
    case 'added':
      return `${c.label} added (${formatValue(c.to)})`;
    case 'removed':
      return `${c.label} removed (was ${formatValue(c.from)})`;
  }
}

/** One sentence for a drift event: the first few changes, then a count of the rest. */
export function describeDrift(d: SnapshotDiff, at: number, max = 3): string {
  const changes = allChanges(d);
  const shown = changes.slice(0, max).map(describeChange);
  const rest = changes.length - shown.length;
  const more = rest > 0 ? `; and ${rest} more change${rest === 1 ? '' : 's'}` : '';
  return `${shown.join('; ')}${more} at ${formatAt(at)}`;
}
