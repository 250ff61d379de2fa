// The hub's snapshot service: ingest of snapshot messages, history, diff, drift, sister
// comparison and golden pins. Built by a function from its dependencies (CONVENTIONS: an app is
// built by a function); the routes plugin and the CLI are thin layers over it.
import { randomUUID } from 'node:crypto';
import {
  allChanges,
  type CompareRules,
  type Comparison,
  changeCount,
  changedEntryKeys,
  compareSisters,
  describeDrift,
  diffEntries,
  type Snapshot,
  type SnapshotDiff,
} from '@cellfleet/core';
import { createEnvelope, type Envelope } from '@cellfleet/protocol';
import { type IngestDeps, type IngestStep, onChunk, onDelta, onHash, sha256Hex } from './ingest.ts';
import type { DriftEvent, GoldenPin, Retention, SnapshotStore, StoredVersion } from './store.ts';
import type { SisterTally } from './tally.ts';

export interface SisterDirectory {
  cellsInGroup(group: string): Promise<string[]>;
  groupOf(cell: string): Promise<string | undefined>;
}

export interface SnapshotServiceOptions {
  readonly store: SnapshotStore;
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly retention?: Retention;
  /** Who is in which sister group; default: the store's own table, fed by assignGroup(). */
  readonly sisters?: SisterDirectory;
  /**
   * The sister tally kept on ingest and read by compare() (tally.ts); without it, compare()
   * reads the latest snapshot of every sister.
   */
  readonly tally?: SisterTally;
}

export interface IngestResult {
  /** False for kinds this service does not handle. */
  readonly handled: boolean;
  /** True when the message is durably processed and its id may be acknowledged to the agent. */
  readonly ack: boolean;
  /** Messages to publish to the cell (snapshot-resend). */
  readonly replies: Envelope<'snapshot-resend'>[];
  readonly stored?: StoredVersion;
  readonly drift?: DriftEvent;
}

export interface VersionDiff {
  readonly from: StoredVersion;
  readonly to: StoredVersion;
  readonly diff: SnapshotDiff;
}

const MAX_STORED_CHANGES = 1000;

const pinnedVersion = (pin: GoldenPin): StoredVersion => ({
  id: 0,
  cell: pin.cell,
  endpoint: pin.endpoint,
  hash: pin.hash,
  takenAt: pin.pinnedAt,
  receivedAt: pin.pinnedAt,
  lastSeenAt: pin.pinnedAt,
  status: { state: 'complete', nodes: 0 },
});

export type SnapshotService = ReturnType<typeof createSnapshotService>;

export function createSnapshotService(o: SnapshotServiceOptions) {
  const { store } = o;
  const now = o.now ?? Date.now;
  const newId = o.newId ?? (() => randomUUID());
  const sisters = o.sisters ?? store;
  const deps: IngestDeps = {
    latest: (c, e) => store.latest(c, e),
    findVersion: (c, h, e) => store.findVersion(c, h, e),
    load: (v) => store.load(v),
    putChunk: (c, chunk, at) => store.putChunk(c, chunk, at),
    dropChunks: (c, e, h) => store.dropChunks(c, e, h),
    hash: sha256Hex,
    now,
  };

  /**
   * A new version and its drift event, committed together, one replica at a time per cell and
   * endpoint: the second replica recording the same message finds it already latest.
   */
  async function record(cell: string, step: { snapshot: Snapshot; hash: string }) {
    const endpoint = step.snapshot.endpoint;
    const recorded = await store.atomically(cell, endpoint, async () => {
      const previous = await store.latest(cell, endpoint);
      const stored = await store.addVersion({
        cell,
        endpoint,
        hash: step.hash,
        receivedAt: now(),
        snapshot: step.snapshot,
      });
      if (previous && stored.id === previous.id) return { stored };
      const before = previous && (await store.load(previous));
      const diff = before && diffEntries(before.entries, step.snapshot.entries);
      await o.tally?.onRecord({
        cell,
        endpoint,
        hash: step.hash,
        entries: step.snapshot.entries,
        ...(previous && diff
          ? { previous: { hash: previous.hash, changed: changedEntryKeys(allChanges(diff)) } }
          : {}),
      });
      if (!previous || !diff) return { stored };
      if (changeCount(diff) === 0 && previous.status.state === stored.status.state) return { stored };
      const drift = await store.addDrift({
        cell,
        endpoint,
        at: step.snapshot.takenAt,
        fromHash: previous.hash,
        toHash: step.hash,
        text: describeDrift(diff, step.snapshot.takenAt),
        changes: allChanges(diff).slice(0, MAX_STORED_CHANGES),
      });
      return { stored, drift };
    });
    await store.prune(cell, endpoint, o.retention ?? {}, now());
    return recorded;
  }

  async function apply(cell: string, step: IngestStep): Promise<IngestResult> {
    switch (step.kind) {
      case 'seen':
        await store.touch(step.version.id, now());
        return { handled: true, ack: true, replies: [], stored: step.version };
      case 'wait':
        return { handled: true, ack: true, replies: [] };
      case 'resend': {
        const body = { endpoint: step.endpoint, reason: step.reason };
        const reply = createEnvelope({ kind: 'snapshot-resend', id: newId(), cell, ts: now(), body });
        return { handled: true, ack: true, replies: [reply] };
      }
      case 'record':
        return { handled: true, ack: true, replies: [], ...(await record(cell, step)) };
    }
  }

  /** The latest version of every cell of the group, of `endpoint` or the one most have. */
  async function latestVersions(group: string, endpoint?: string) {
    const cells = await sisters.cellsInGroup(group);
    const ep = endpoint ?? (await commonEndpoint(cells));
    return { endpoint: ep, versions: ep === undefined ? [] : await store.latestOf(cells, ep) };
  }

  /** The latest snapshot of every cell of the group: one query for versions, bodies batched. */
  async function latestSnapshots(group: string, endpoint?: string) {
    const { endpoint: ep, versions } = await latestVersions(group, endpoint);
    const loaded = await store.loadMany(versions);
    const snapshots = versions.flatMap((v, i) => {
      const snapshot = loaded[i];
      return snapshot ? [{ cell: v.cell, hash: v.hash, takenAt: v.takenAt, snapshot }] : [];
    });
    return { endpoint: ep, snapshots };
  }

  /** The endpoint name most cells of the group snapshot (usually the only one). */
  async function commonEndpoint(cells: readonly string[]): Promise<string | undefined> {
    const counts = await store.endpointCounts(cells);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  }

  /** The pinned golden snapshot of the group, if any. */
  async function goldenOf(group: string, endpoint: string | undefined) {
    const pin = endpoint === undefined ? undefined : await store.golden(group, endpoint);
    // Bodies of pinned hashes survive retention even when their version row is pruned.
    const golden = pin && (await store.load(pinnedVersion(pin)));
    return { pin, golden };
  }

  async function compareByTally(tally: SisterTally, group: string, endpoint?: string): Promise<Comparison> {
    const latest = await latestVersions(group, endpoint);
    const { golden, pin } = await goldenOf(group, latest.endpoint);
    const rules = await store.groupRules(group);
    return tally.compare(
      { group, endpoint: latest.endpoint ?? '' },
      {
        group,
        now: now(),
        versions: latest.versions,
        ...(rules ? { rules } : {}),
        ...(pin && golden ? { golden: { cell: pin.cell, hash: pin.hash, entries: golden.entries } } : {}),
      },
    );
  }

  async function resolveVersion(cell: string, ref: string, endpoint?: string) {
    if (ref === 'latest' || ref === '') {
      const ep = endpoint ?? (await store.endpointsOf(cell))[0];
      return ep === undefined ? undefined : store.latest(cell, ep);
    }
    const all = await store.listVersions(cell, endpoint);
    return all.reverse().find((v) => v.hash === ref || (ref.length >= 8 && v.hash.startsWith(ref)));
  }

  return {
    async ingest(message: Envelope): Promise<IngestResult> {
      switch (message.kind) {
        case 'snapshot-hash':
          return apply(message.cell, await onHash(deps, message));
        case 'snapshot-delta':
          return apply(message.cell, await onDelta(deps, message));
        case 'snapshot-chunk':
          return apply(message.cell, await onChunk(deps, message));
        default:
          return { handled: false, ack: false, replies: [] };
      }
    },
    assignGroup: (cell: string, group: string) => store.setGroup(cell, group),
    setGroupRules: (group: string, rules: CompareRules) => store.setGroupRules(group, rules),
    groupRules: (group: string) => store.groupRules(group),
    versions: (cell: string, endpoint?: string) => store.listVersions(cell, endpoint),
    async snapshot(cell: string, ref: string, endpoint?: string) {
      const v = await resolveVersion(cell, ref, endpoint);
      const s = v && (await store.load(v));
      return v && s ? { version: v, snapshot: s } : undefined;
    },
    async diff(cell: string, from: string, to: string, endpoint?: string): Promise<VersionDiff | undefined> {
      const [a, b] = await Promise.all([
        resolveVersion(cell, from, endpoint),
        resolveVersion(cell, to, endpoint),
      ]);
      const [sa, sb] = await Promise.all([a && store.load(a), b && store.load(b)]);
      if (!a || !b || !sa || !sb) return undefined;
      return { from: a, to: b, diff: diffEntries(sa.entries, sb.entries) };
    },
    drift: (cell: string, opts?: { endpoint?: string; since?: number; limit?: number }) =>
      store.listDrift(cell, opts),
    async compare(group: string, opts: { endpoint?: string } = {}): Promise<Comparison> {
      if (o.tally) return compareByTally(o.tally, group, opts.endpoint);
      const { endpoint, snapshots } = await latestSnapshots(group, opts.endpoint);
      const { golden, pin } = await goldenOf(group, endpoint);
      const rules = await store.groupRules(group);
      return compareSisters({
        group,
        now: now(),
        cells: snapshots.map((s) => ({
          cell: s.cell,
          hash: s.hash,
          takenAt: s.takenAt,
          entries: s.snapshot.entries,
        })),
        ...(rules ? { rules } : {}),
        ...(pin && golden ? { golden: { cell: pin.cell, hash: pin.hash, entries: golden.entries } } : {}),
      });
    },
    /**
     * Readies the first comparison of `group` after a start. Without a tally: reads and parses
     * the latest snapshot of every cell into the cache. With one: runs the comparison once
     * (members brought in line, the tally's pages and the comparison code warmed), reading no
     * snapshot body. Returns how many cells it covered.
     */
    async preload(group: string): Promise<number> {
      if (o.tally) return (await compareByTally(o.tally, group)).cells.length;
      return (await latestSnapshots(group)).snapshots.length;
    },
    /** Whether `cell` is in sister group `group` (enrollment decides). */
    async isMember(group: string, cell: string): Promise<boolean> {
      return (await sisters.cellsInGroup(group)).includes(cell);
    },
    async pinGolden(
      group: string,
      req: { cell: string; hash?: string; endpoint?: string },
    ): Promise<GoldenPin | undefined> {
      const v = await resolveVersion(req.cell, req.hash ?? 'latest', req.endpoint);
      if (!v) return undefined;
      const pin = { group, endpoint: v.endpoint, cell: v.cell, hash: v.hash, pinnedAt: now() };
      await store.setGolden(pin);
      return pin;
    },
  };
}
