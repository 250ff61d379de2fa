// The snapshot model. A snapshot is a flat map from stable keys to JSON values, so the diff,
// the delta, the canonical form and the sister comparison all work on one shape.
//
// Keys (see keys.ts):
//   server.<field>                      BuildInfo (productName, softwareVersion, …)
//   endpoint.<mode>.<policy>            user token types offered on that endpoint
//   certificate.<field>                 server certificate (thumbprint, subject, notBefore, notAfter)
//   namespaces                          namespace URIs, sorted (indexes are not configuration)
//   limits.<name>                       OperationLimits and browse continuation points
//   /Objects/{uri}Name/…                a node: { class, dataType?, access?, value? }
// One entry per node (not per attribute) keeps a 100,000-node snapshot at 100,000 keys. Diffs
// and comparisons see node attributes as flat keys `…#dataType`, `…#access`, `…#value` (keys.ts).
import type { Json } from '../canonical.ts';

export type SnapshotEntries = Record<string, Json>;

/** The entry of a node key. `value` is present only for configuration variables. */
export interface NodeEntry {
  class: string;
  dataType?: string | null;
  access?: string;
  value?: Json;
}

export function isNodeEntry(value: Json | undefined): value is Json & NodeEntry {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value['class'] === 'string'
  );
}

export type SnapshotState = 'complete' | 'truncated';

export interface SnapshotStatus {
  readonly state: SnapshotState;
  /** Number of nodes captured under the roots. */
  readonly nodes: number;
  /** Why the snapshot is truncated, in words; absent when complete. */
  readonly reason?: string;
  /** Things a reader should know that do not make it incomplete (cycles skipped, unreadable roots). */
  readonly notes?: readonly string[];
}

export interface Snapshot {
  readonly format: 1;
  /** The agent's name for the endpoint (`kepware`); not part of the content hash. */
  readonly endpoint: string;
  /** When the snapshot was taken (ms since epoch, agent clock); not part of the content hash. */
  readonly takenAt: number;
  readonly status: SnapshotStatus;
  readonly entries: SnapshotEntries;
}

/** The part of a snapshot that is hashed: what the server exposes, not when or by whom it was read. */
export interface SnapshotContent {
  readonly format: 1;
  readonly status: SnapshotStatus;
  readonly entries: SnapshotEntries;
}

/** The value stored instead of a secret. `fp` is a salted fingerprint (see docs/snapshots.md). */
export interface RedactedValue {
  readonly $redacted: true;
  readonly fp?: string;
}

export function isRedacted(value: Json | undefined): value is Json & RedactedValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value['$redacted'] === true;
}
