// The two ways users create a write-parameters action (issue 5): "align this cell with its
// sister baseline" and "restore this cell's parameters from snapshot X". Both turn snapshot data
// into writes, and say why each key they leave out was left out: a write must target a node
// that exists on the cell and is writable, and a secret's value is never known to the hub.
import type { Json } from './canonical.ts';
import type { Comparison } from './compare/index.ts';
import { isNodeEntry, isRedacted, type SnapshotEntries } from './snapshot/index.ts';

export interface ProposedWrite {
  /** The node's snapshot key (browse path qualified with namespace URIs). */
  readonly path: string;
  readonly value: Json;
  readonly previous?: Json;
  readonly dataType?: string;
}

export interface Skipped {
  readonly key: string;
  readonly reason: string;
}

export interface ProposedWrites {
  readonly writes: ProposedWrite[];
  readonly skipped: Skipped[];
}

const VALUE = '#value';

/** Why `value` cannot be written to the node at `path` in `current`, or undefined if it can. */
function unwritable(path: string, value: Json | undefined, current: SnapshotEntries): string | undefined {
  const entry = current[path];
  if (!isNodeEntry(entry)) return 'the node does not exist on this cell (a write cannot create it)';
  if (entry.class !== 'Variable') return 'not a variable';
  if (!entry.access?.includes('W')) return 'the node is read-only';
  if (value === undefined) return 'no value to write';
  if (isRedacted(value) || isRedacted(entry.value)) return 'a secret: its value never leaves the agent';
  return undefined;
}

function write(path: string, value: Json, current: SnapshotEntries): ProposedWrite {
  const entry = current[path];
  const dataType = isNodeEntry(entry) && typeof entry.dataType === 'string' ? entry.dataType : undefined;
  const previous = isNodeEntry(entry) ? entry.value : undefined;
  return {
    path,
    value,
    ...(previous !== undefined ? { previous } : {}),
    ...(dataType ? { dataType } : {}),
  };
}

const wanted = (keys: readonly string[] | undefined, key: string) =>
  keys === undefined || keys.includes(key) || keys.includes(key.slice(0, -VALUE.length));

/** Writes that give `cell` the group's baseline value wherever it is an outlier on a node value. */
export function alignWrites(
  comparison: Comparison,
  cell: string,
  current: SnapshotEntries,
  keys?: readonly string[],
): ProposedWrites {
  const out: ProposedWrites = { writes: [], skipped: [] };
  for (const row of comparison.rows) {
    if (!row.outliers.some((o) => o.cell === cell) || !wanted(keys, row.key)) continue;
    if (!row.key.endsWith(VALUE)) {
      out.skipped.push({ key: row.key, reason: 'not a node value (server identity, endpoints or limits)' });
      continue;
    }
    if (row.status === 'tie' || row.baseline === undefined) {
      out.skipped.push({ key: row.key, reason: 'the sisters are tied: there is no baseline to align with' });
      continue;
    }
    const path = row.key.slice(0, -VALUE.length);
    const why = unwritable(path, row.baseline, current);
    if (why) out.skipped.push({ key: row.key, reason: why });
    else out.writes.push(write(path, row.baseline, current));
  }
  return out;
}

/** Writes that put back every node value of `target` that differs in `current`. */
export function restoreWrites(
  target: SnapshotEntries,
  current: SnapshotEntries,
  keys?: readonly string[],
): ProposedWrites {
  const out: ProposedWrites = { writes: [], skipped: [] };
  for (const [path, then] of Object.entries(target)) {
    if (!isNodeEntry(then) || then.value === undefined || !wanted(keys, `${path}${VALUE}`)) continue;
    const now = current[path];
    if (isNodeEntry(now) && JSON.stringify(now.value) === JSON.stringify(then.value)) continue;
    const why = unwritable(path, then.value, current);
    if (why) out.skipped.push({ key: `${path}${VALUE}`, reason: why });
    else out.writes.push(write(path, then.value, current));
  }
  return out;
}
