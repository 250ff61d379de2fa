// Shapes of hub responses that have no DTO in @cellfleet/protocol yet: the comparison, diff
// and notebook come from @cellfleet/core (the hub returns them as is); the snapshot version and
// drift rows mirror apps/hub/src/snapshots/store.ts. Type-only: nothing here reaches the bundle.
import type { Json, NotebookEntry, SnapshotDiff } from '@cellfleet/core';

export type { Comparison, ComparisonRow, Json, NotebookEntry, SnapshotDiff } from '@cellfleet/core';

export interface StoredVersion {
  readonly id: number;
  readonly cell: string;
  readonly endpoint: string;
  readonly hash: string;
  readonly takenAt: number;
  readonly receivedAt: number;
  readonly lastSeenAt: number;
  readonly status: { state: string; nodes: number; reason?: string };
}

export interface DriftEvent {
  readonly id: number;
  readonly cell: string;
  readonly endpoint: string;
  readonly at: number;
  readonly fromHash: string;
  readonly toHash: string;
  readonly text: string;
}

export interface VersionDiff {
  readonly from: StoredVersion;
  readonly to: StoredVersion;
  readonly diff: SnapshotDiff;
}

export interface NotebookResponse {
  readonly cell: string;
  readonly watchMs: number;
  readonly entries: NotebookEntry[];
}

export function show(v: Json | undefined): string {
  if (v === undefined) return '(missing)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
