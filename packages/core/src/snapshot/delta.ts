// Wire economy (issue 4 §3). An unchanged snapshot costs its hash; a changed one a delta
// against the last snapshot the hub acknowledged; a delta that does not fit one message (or
// no acknowledged base) a gzip full copy in chunks. The agent measures bytes; this decides.
import type { Json } from '../canonical.ts';
import { sameValue } from './diff.ts';
import type { Snapshot, SnapshotStatus } from './types.ts';

export type DeltaOp = { op: 'set'; key: string; value: Json } | { op: 'del'; key: string };

export interface SnapshotDelta {
  readonly status: SnapshotStatus;
  readonly ops: DeltaOp[];
}

export function makeDelta(base: Snapshot, next: Snapshot): SnapshotDelta {
  const ops: DeltaOp[] = [];
  for (const key of Object.keys(base.entries)) {
    if (!Object.hasOwn(next.entries, key)) ops.push({ op: 'del', key });
  }
  for (const [key, value] of Object.entries(next.entries)) {
    if (!Object.hasOwn(base.entries, key) || !sameValue(base.entries[key], value))
      ops.push({ op: 'set', key, value });
  }
  return { status: next.status, ops };
}

export function applyDelta(
  base: Snapshot,
  delta: SnapshotDelta,
  meta: { endpoint: string; takenAt: number },
): Snapshot {
  const entries = { ...base.entries };
  for (const op of delta.ops) {
    if (op.op === 'del') delete entries[op.key];
    else entries[op.key] = op.value;
  }
  return { format: 1, endpoint: meta.endpoint, takenAt: meta.takenAt, status: delta.status, entries };
}

export type PublicationKind = 'hash' | 'delta' | 'full';

export interface PublicationInput {
  readonly hash: string;
  /** Hash of the last snapshot the hub acknowledged for this endpoint, if any. */
  readonly ackedHash: string | undefined;
  /** Size of the encoded delta message; undefined when no delta could be made. */
  readonly deltaMessageBytes?: number;
  readonly maxMessageBytes: number;
}

export function choosePublication(input: PublicationInput): PublicationKind {
  if (input.ackedHash === input.hash) return 'hash';
  if (input.ackedHash === undefined || input.deltaMessageBytes === undefined) return 'full';
  return input.deltaMessageBytes <= input.maxMessageBytes ? 'delta' : 'full';
}
