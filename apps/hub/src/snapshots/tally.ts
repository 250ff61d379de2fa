// The sister tally, kept by the snapshot service (issue 16 §6): each recorded version updates
// the tally of its cell's sister group from the diff record() computed anyway (a full copy with
// no usable predecessor, or a cell new to the group, is counted afresh); a cell that moved to
// another group leaves the old one. A comparison first brings the group's members in line with
// enrollment (a cell moved or deleted without a new snapshot), then reads only the tally: the
// base of every key and the rows of the cells that deviate, no snapshot body. verify() is the
// full recomputation from the latest snapshots (the `cellfleet-hub tally` command).
import {
  type CompareRules,
  type Comparison,
  compareFromTally,
  entryOf,
  type GoldenBaseline,
  ignoresPlainKey,
  type Json,
  type SnapshotEntries,
  type TalliedKey,
  type Tally,
  tallyDifferences,
  tallyOf,
  tallyValue,
} from '@cellfleet/core';
import type { Sql } from '../db/sql.ts';
import type { SnapshotStore, StoredVersion } from './store.ts';
import { createSqlTally, type TallyGroup } from './tally-store.ts';

export interface TallyDirectory {
  /** The sister group `cell` is enrolled in, if any. */
  groupOf(cell: string): Promise<string | undefined>;
}

export interface RecordedVersion {
  readonly cell: string;
  readonly endpoint: string;
  readonly hash: string;
  readonly entries: SnapshotEntries;
  /** The version before this one and the entry keys that changed since, when the diff was computed. */
  readonly previous?: { readonly hash: string; readonly changed: ReadonlySet<string> };
}

export interface TallyComparison {
  readonly group: string;
  readonly now: number;
  readonly versions: readonly StoredVersion[];
  readonly rules?: CompareRules;
  readonly golden?: GoldenBaseline;
}

export type SisterTally = ReturnType<typeof createSisterTally>;

/** An unread value: held (true) or lacked (undefined). */
const HELD = (v: string | null): Json | undefined => (v === null ? undefined : true);

/** What the certificate table reads of each cell (rows.ts `certificateRows`). */
const CERTIFICATE_KEYS = ['certificate.notAfter'];

export function createSisterTally(d: { sql: Sql; store: SnapshotStore; directory: TallyDirectory }) {
  const t = createSqlTally(d.sql);
  const lockAll = async (groups: Iterable<string>, endpoint: string) => {
    for (const group of [...new Set(groups)].sort()) await t.lockGroup({ group, endpoint });
  };

  /** Brings the group's members in line with `versions` (latest of each enrolled cell); in a transaction. */
  async function sync(g: TallyGroup, versions: readonly StoredVersion[]): Promise<void> {
    await t.lockGroup(g);
    const members = await t.members(g);
    const want = new Map(versions.map((v) => [v.cell, v]));
    for (const [cell, hash] of members) if (want.get(cell)?.hash !== hash) await t.leave(g, cell);
    const joining = versions.filter((v) => members.get(v.cell) !== v.hash);
    const loaded = await d.store.loadMany(joining);
    for (const [i, v] of joining.entries()) {
      const s = loaded[i];
      if (s) await t.join(g, v.cell, v.hash, s.entries);
    }
  }

  return {
    /** Call inside the transaction that recorded the version (store.atomically). */
    async onRecord(r: RecordedVersion): Promise<void> {
      const group = await d.directory.groupOf(r.cell);
      const held = await t.membership(r.cell, r.endpoint);
      await lockAll([...held.map((h) => h.grp), ...(group === undefined ? [] : [group])], r.endpoint);
      for (const h of held)
        if (h.grp !== group) await t.leave({ group: h.grp, endpoint: r.endpoint }, r.cell);
      if (group === undefined) return;
      const g = { group, endpoint: r.endpoint };
      const mine = held.find((h) => h.grp === group);
      if (mine && r.previous && mine.hash === r.previous.hash) {
        const next = new Map([...r.previous.changed].map((k) => [k, tallyValue(r.entries[k])]));
        await t.change(g, { cell: r.cell, hash: r.hash, next });
        return;
      }
      if (mine) await t.leave(g, r.cell);
      await t.join(g, r.cell, r.hash, r.entries);
    },

    /** The comparison of a group from its tally (members synced first). */
    async compare(g: TallyGroup, c: TallyComparison): Promise<Comparison> {
      const { keys, rows } = await d.sql.tx(async () => {
        await sync(g, c.versions);
        return t.read(g);
      });
      // A key the rules ignore as a whole is only counted: whether a cell holds it is all that is
      // read of it, so its rows are not parsed (each cell's own certificate thumbprint, say).
      const ignored = ignoresPlainKey(c.rules);
      const unread = new Map<string, boolean>();
      const skip = (key: string) => {
        const known = unread.get(key);
        if (known !== undefined) return known;
        const v = ignored(key) && !CERTIFICATE_KEYS.includes(key);
        unread.set(key, v);
        return v;
      };
      const deviants = new Map<string, Map<string, Json | undefined>>();
      for (const r of rows) {
        const m = deviants.get(r.entry_key) ?? new Map<string, Json | undefined>();
        deviants.set(r.entry_key, m);
        m.set(r.cell, skip(r.entry_key) ? HELD(r.value) : entryOf(r.value));
      }
      const tallied: TalliedKey[] = keys.map((k) => ({
        key: k.entry_key,
        base: entryOf(k.base),
        ...(deviants.has(k.entry_key) ? { deviants: deviants.get(k.entry_key)! } : {}),
      }));
      const bases = new Map(tallied.map((k) => [k.key, k]));
      const cells = c.versions.map((v) => {
        const entries: SnapshotEntries = {};
        for (const key of CERTIFICATE_KEYS) {
          const k = bases.get(key);
          const value = k?.deviants?.has(v.cell) ? k.deviants.get(v.cell) : k?.base;
          if (value !== undefined) entries[key] = value;
        }
        return { cell: v.cell, hash: v.hash, takenAt: v.takenAt, entries };
      });
      return compareFromTally({
        group: g.group,
        now: c.now,
        cells,
        keys: tallied,
        ...(c.rules ? { rules: c.rules } : {}),
        ...(c.golden ? { golden: c.golden } : {}),
      });
    },

    /**
     * The full recomputation of one group's tally from `versions` (latest of each enrolled
     * cell): where the stored one differs, and with `fix`, the stored one replaced.
     */
    async verify(g: TallyGroup, versions: readonly StoredVersion[], fix: boolean): Promise<string[]> {
      return d.sql.tx(async () => {
        await t.lockGroup(g);
        const loaded = await d.store.loadMany(versions);
        const expected = tallyOf(
          versions.flatMap((v, i) => {
            const s = loaded[i];
            return s ? [{ cell: v.cell, hash: v.hash, entries: s.entries }] : [];
          }),
        );
        const { tally, miscounted } = await t.load(g);
        const found = [
          ...new Set([...tallyDifferences(tally, expected), ...miscounted.map((k) => `key ${k}`)]),
        ];
        if (fix && found.length > 0) await t.replace(g, expected);
        return found;
      });
    },

    /** One group's tally as stored. */
    stored: async (g: TallyGroup): Promise<Tally> => (await t.load(g)).tally,

    /** Every group and endpoint that has a tally now. */
    groups: async (): Promise<TallyGroup[]> =>
      (await t.groups()).map((r) => ({ group: r.grp, endpoint: r.endpoint })),
  };
}
