// The hub's snapshot store, as an interface; sql-store.ts implements it on the hub's Sql
// (SQLite for one hub, PostgreSQL shared by replicas). Bodies are stored once per content hash
// (sister cells and returning versions share them); versions are the per-cell timeline.
import type { CompareRules, EntryChange, Snapshot, SnapshotStatus } from '@cellfleet/core';
import type { SnapshotChunkBody } from '@cellfleet/protocol';

export interface StoredVersion {
  readonly id: number;
  readonly cell: string;
  readonly endpoint: string;
  readonly hash: string;
  readonly takenAt: number;
  readonly receivedAt: number;
  /** Last time the agent reported this same content (hash-only messages). */
  readonly lastSeenAt: number;
  readonly status: SnapshotStatus;
}

export interface DriftEvent {
  readonly id: number;
  readonly cell: string;
  readonly endpoint: string;
  readonly at: number;
  readonly fromHash: string;
  readonly toHash: string;
  readonly text: string;
  readonly changes: EntryChange[];
}

export interface GoldenPin {
  readonly group: string;
  readonly endpoint: string;
  readonly cell: string;
  readonly hash: string;
  readonly pinnedAt: number;
}

export interface Retention {
  /** Distinct versions kept per cell and endpoint (default 500); the latest is always kept. */
  readonly maxVersions?: number;
  /** Versions older than this are dropped (default: never); the latest is always kept. */
  readonly maxAgeMs?: number;
}

export interface NewVersion {
  readonly cell: string;
  readonly endpoint: string;
  readonly hash: string;
  readonly receivedAt: number;
  readonly snapshot: Snapshot;
}

export interface SnapshotStore {
  latest(cell: string, endpoint: string): Promise<StoredVersion | undefined>;
  /** The latest version of `endpoint` of each of `cells` that has one, by cell. */
  latestOf(cells: readonly string[], endpoint: string): Promise<StoredVersion[]>;
  /** The snapshot of a version (content from the body store, endpoint and time from the version). */
  load(version: StoredVersion): Promise<Snapshot | undefined>;
  /** load() of each version, in order; bodies not held in memory are read together. */
  loadMany(versions: readonly StoredVersion[]): Promise<(Snapshot | undefined)[]>;
  findVersion(cell: string, hash: string, endpoint?: string): Promise<StoredVersion | undefined>;
  listVersions(cell: string, endpoint?: string): Promise<StoredVersion[]>;
  endpointsOf(cell: string): Promise<string[]>;
  /** For each endpoint, how many of `cells` have a version of it. */
  endpointCounts(cells: readonly string[]): Promise<Map<string, number>>;
  /**
   * Adds a version. When the latest version of that cell and endpoint already has this hash (a
   * resent message, or another replica recording the same one), that version is returned,
   * seen again at `receivedAt`, and nothing is added.
   */
  addVersion(v: NewVersion): Promise<StoredVersion>;
  /**
   * Runs `fn` as one transaction in which no one else records versions of this cell and
   * endpoint (replicas take turns); the store's calls inside it join the transaction.
   */
  atomically<T>(cell: string, endpoint: string, fn: () => Promise<T>): Promise<T>;
  touch(versionId: number, at: number): Promise<void>;
  /** Stores one chunk; returns all chunk data in order once every chunk of that hash is present. */
  putChunk(cell: string, chunk: SnapshotChunkBody, at: number): Promise<string[] | undefined>;
  dropChunks(cell: string, endpoint: string, hash: string): Promise<void>;
  addDrift(e: Omit<DriftEvent, 'id'>): Promise<DriftEvent>;
  listDrift(
    cell: string,
    opts?: { endpoint?: string; since?: number; limit?: number },
  ): Promise<DriftEvent[]>;
  setGroup(cell: string, group: string): Promise<void>;
  cellsInGroup(group: string): Promise<string[]>;
  groupOf(cell: string): Promise<string | undefined>;
  setGolden(pin: GoldenPin): Promise<void>;
  golden(group: string, endpoint: string): Promise<GoldenPin | undefined>;
  setGroupRules(group: string, rules: CompareRules): Promise<void>;
  groupRules(group: string): Promise<CompareRules | undefined>;
  /**
   * Applies retention to one cell and endpoint; returns how many versions were dropped. Bodies
   * nothing refers to any more go too. Call it outside atomically(): it runs its own transactions.
   */
  prune(cell: string, endpoint: string, retention: Retention, now: number): Promise<number>;
  close(): Promise<void>;
}
