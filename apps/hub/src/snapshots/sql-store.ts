// SnapshotStore on the hub's Sql: one implementation for SQLite and PostgreSQL. Several hub
// replicas may receive messages of the same cell (a redelivered message lands on another
// replica), so everything that reads and then writes holds a lock: the cell and endpoint's for
// its versions, the snapshot's for its chunks, the hash's for a body (bodies.ts). Plain inserts
// of keyed rows are idempotent (ON CONFLICT DO NOTHING).
import { gzipSync } from 'node:zlib';
import { type CompareRules, canonicalSnapshot, type SnapshotStatus } from '@cellfleet/core';
import type { SnapshotChunkBody } from '@cellfleet/protocol';
import { marks, type Sql, type SqlValue } from '../db/sql.ts';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { batches, bodyLock, collectBody, loadBodies } from './bodies.ts';
import { createParsedSnapshotCache, type ParsedSnapshotCache } from './parsed-cache.ts';
import { SNAPSHOT_MIGRATIONS } from './schema.ts';
import type { DriftEvent, GoldenPin, NewVersion, Retention, SnapshotStore, StoredVersion } from './store.ts';

export interface SqlSnapshotStoreOptions {
  /** Parsed bodies kept in memory (default: createParsedSnapshotCache(), ~1,000 × 5,000 keys). */
  readonly cache?: ParsedSnapshotCache;
  /** Closes the Sql with the store (a store that opened its own database). */
  readonly ownsSql?: boolean;
}

interface VersionRow {
  id: number;
  cell: string;
  endpoint: string;
  hash: string;
  taken_at: number;
  received_at: number;
  last_seen_at: number;
  status: string;
}

interface DriftRow {
  id: number;
  cell: string;
  endpoint: string;
  at: number;
  from_hash: string;
  to_hash: string;
  text: string;
  changes: string;
}

const toVersion = (r: VersionRow): StoredVersion => ({
  id: r.id,
  cell: r.cell,
  endpoint: r.endpoint,
  hash: r.hash,
  takenAt: r.taken_at,
  receivedAt: r.received_at,
  lastSeenAt: r.last_seen_at,
  status: JSON.parse(r.status) as SnapshotStatus,
});

const toDrift = (r: DriftRow): DriftEvent => ({
  id: r.id,
  cell: r.cell,
  endpoint: r.endpoint,
  at: r.at,
  fromHash: r.from_hash,
  toHash: r.to_hash,
  text: r.text,
  changes: JSON.parse(r.changes),
});

/** The versions retention drops, from newest to oldest; the newest (first) always stays. */
function beyondRetention<R extends { received_at: number }>(
  newestFirst: readonly R[],
  r: Retention,
  now: number,
) {
  const max = Math.max(1, r.maxVersions ?? 500);
  return newestFirst
    .slice(1)
    .filter((v, i) => i + 1 >= max || (r.maxAgeMs !== undefined && v.received_at < now - r.maxAgeMs));
}

/** A store on its own SQLite file (tools and tests; the hub passes its shared Sql). */
export async function openSqliteSnapshotStore(path: string): Promise<SnapshotStore> {
  return openSqlSnapshotStore(await openSqliteSql(path), { ownsSql: true });
}

/** The snapshot store on an open database (shared with the other hub modules); migrates it first. */
export async function openSqlSnapshotStore(
  sql: Sql,
  opts: SqlSnapshotStoreOptions = {},
): Promise<SnapshotStore> {
  await sql.migrate('snapshots', SNAPSHOT_MIGRATIONS);
  const cache = opts.cache ?? createParsedSnapshotCache();
  const versions = async (query: string, params: readonly SqlValue[]) =>
    (await sql.all<VersionRow>(query, params)).map(toVersion);
  const cellLock = (cell: string, endpoint: string) =>
    sql.lock(`snapshot-cell:${JSON.stringify([cell, endpoint])}`);
  const latest = async (cell: string, endpoint: string) =>
    (
      await versions(
        'SELECT * FROM snapshot_versions WHERE cell = ? AND endpoint = ? ORDER BY id DESC LIMIT 1',
        [cell, endpoint],
      )
    )[0];
  const touch = (id: number, at: number) =>
    sql.run('UPDATE snapshot_versions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?', [at, id, at]);

  return {
    latest,
    async latestOf(cells, endpoint) {
      const out: StoredVersion[] = [];
      for (const some of batches(cells))
        out.push(
          ...(await versions(
            `SELECT * FROM snapshot_versions WHERE id IN (SELECT MAX(id) FROM snapshot_versions
               WHERE endpoint = ? AND cell IN (${marks(some.length)}) GROUP BY cell) ORDER BY cell`,
            [endpoint, ...some],
          )),
        );
      return out;
    },
    load: async (v) => (await loadBodies(sql, cache, [v]))[0],
    loadMany: (vs) => loadBodies(sql, cache, vs),
    findVersion: async (cell, hash, endpoint) =>
      (
        await (endpoint === undefined
          ? versions('SELECT * FROM snapshot_versions WHERE cell = ? AND hash = ? ORDER BY id DESC LIMIT 1', [
              cell,
              hash,
            ])
          : versions(
              'SELECT * FROM snapshot_versions WHERE cell = ? AND endpoint = ? AND hash = ? ORDER BY id DESC LIMIT 1',
              [cell, endpoint, hash],
            ))
      )[0],
    listVersions: (cell, endpoint) =>
      endpoint === undefined
        ? versions('SELECT * FROM snapshot_versions WHERE cell = ? ORDER BY id', [cell])
        : versions('SELECT * FROM snapshot_versions WHERE cell = ? AND endpoint = ? ORDER BY id', [
            cell,
            endpoint,
          ]),
    endpointsOf: async (cell) =>
      (
        await sql.all<{ endpoint: string }>(
          'SELECT DISTINCT endpoint FROM snapshot_versions WHERE cell = ? ORDER BY endpoint',
          [cell],
        )
      ).map((r) => r.endpoint),
    async endpointCounts(cells) {
      const counts = new Map<string, number>();
      for (const some of batches(cells)) {
        const rows = await sql.all<{ endpoint: string; n: number }>(
          `SELECT endpoint, COUNT(DISTINCT cell) AS n FROM snapshot_versions
             WHERE cell IN (${marks(some.length)}) GROUP BY endpoint`,
          some,
        );
        for (const r of rows) counts.set(r.endpoint, (counts.get(r.endpoint) ?? 0) + r.n);
      }
      return counts;
    },
    async addVersion(v: NewVersion) {
      const body = gzipSync(canonicalSnapshot(v.snapshot));
      const stored = await sql.tx(async () => {
        await cellLock(v.cell, v.endpoint);
        const last = await latest(v.cell, v.endpoint);
        if (last?.hash === v.hash) {
          await touch(last.id, v.receivedAt);
          return { ...last, lastSeenAt: Math.max(last.lastSeenAt, v.receivedAt) };
        }
        await bodyLock(sql, v.hash);
        await sql.run(
          'INSERT INTO snapshot_bodies (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING',
          [v.hash, body],
        );
        const row = await sql.get<VersionRow>(
          `INSERT INTO snapshot_versions (cell, endpoint, hash, taken_at, received_at, last_seen_at, status)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          [
            v.cell,
            v.endpoint,
            v.hash,
            v.snapshot.takenAt,
            v.receivedAt,
            v.receivedAt,
            JSON.stringify(v.snapshot.status),
          ],
        );
        return toVersion(row!);
      });
      cache.set(v.hash, { format: 1, status: v.snapshot.status, entries: v.snapshot.entries });
      return stored;
    },
    atomically: (cell, endpoint, fn) =>
      sql.tx(async () => {
        await cellLock(cell, endpoint);
        return fn();
      }),
    touch: async (id, at) => {
      await touch(id, at);
    },
    putChunk: (cell, c: SnapshotChunkBody, at) =>
      // Locked: two replicas each storing the last missing chunk would otherwise both miss the other's.
      sql.tx(async () => {
        await sql.lock(`snapshot-chunks:${JSON.stringify([cell, c.endpoint, c.hash])}`);
        await sql.run(
          `INSERT INTO snapshot_chunks (cell, endpoint, hash, idx, count, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (cell, endpoint, hash, idx) DO NOTHING`,
          [cell, c.endpoint, c.hash, c.index, c.count, c.data, at],
        );
        const rows = await sql.all<{ data: string }>(
          'SELECT data FROM snapshot_chunks WHERE cell = ? AND endpoint = ? AND hash = ? AND count = ? ORDER BY idx',
          [cell, c.endpoint, c.hash, c.count],
        );
        return rows.length === c.count ? rows.map((r) => r.data) : undefined;
      }),
    dropChunks: async (cell, endpoint, hash) => {
      await sql.run('DELETE FROM snapshot_chunks WHERE cell = ? AND endpoint = ? AND hash = ?', [
        cell,
        endpoint,
        hash,
      ]);
    },
    async addDrift(e) {
      const row = await sql.get<{ id: number }>(
        `INSERT INTO snapshot_drift (cell, endpoint, at, from_hash, to_hash, text, changes)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [e.cell, e.endpoint, e.at, e.fromHash, e.toHash, e.text, JSON.stringify(e.changes)],
      );
      return { ...e, id: row!.id };
    },
    async listDrift(cell, o = {}) {
      const byEndpoint = o.endpoint === undefined ? '' : 'AND endpoint = ?';
      const rows = await sql.all<DriftRow>(
        `SELECT * FROM snapshot_drift WHERE cell = ? ${byEndpoint} AND at >= ? ORDER BY at DESC, id DESC LIMIT ?`,
        [cell, ...(o.endpoint === undefined ? [] : [o.endpoint]), o.since ?? 0, o.limit ?? 100],
      );
      return rows.map(toDrift);
    },
    setGroup: async (cell, group) => {
      await sql.run(
        'INSERT INTO snapshot_groups (cell, grp) VALUES (?, ?) ON CONFLICT (cell) DO UPDATE SET grp = excluded.grp',
        [cell, group],
      );
    },
    groupOf: async (cell) =>
      (await sql.get<{ grp: string }>('SELECT grp FROM snapshot_groups WHERE cell = ?', [cell]))?.grp,
    cellsInGroup: async (group) =>
      (
        await sql.all<{ cell: string }>('SELECT cell FROM snapshot_groups WHERE grp = ? ORDER BY cell', [
          group,
        ])
      ).map((r) => r.cell),
    async setGolden(p: GoldenPin) {
      const replaced = await sql.tx(async () => {
        await bodyLock(sql, p.hash);
        const old = await sql.get<{ hash: string }>(
          'SELECT hash FROM snapshot_golden WHERE grp = ? AND endpoint = ?',
          [p.group, p.endpoint],
        );
        await sql.run(
          `INSERT INTO snapshot_golden (grp, endpoint, cell, hash, pinned_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (grp, endpoint) DO UPDATE SET cell = excluded.cell, hash = excluded.hash, pinned_at = excluded.pinned_at`,
          [p.group, p.endpoint, p.cell, p.hash, p.pinnedAt],
        );
        return old?.hash;
      });
      // The body the old pin kept past retention may now be unused.
      if (replaced !== undefined && replaced !== p.hash) await collectBody(sql, replaced);
    },
    async golden(group, endpoint) {
      const r = await sql.get<{ cell: string; hash: string; pinned_at: number }>(
        'SELECT cell, hash, pinned_at FROM snapshot_golden WHERE grp = ? AND endpoint = ?',
        [group, endpoint],
      );
      return r && { group, endpoint, cell: r.cell, hash: r.hash, pinnedAt: r.pinned_at };
    },
    setGroupRules: async (group, rules: CompareRules) => {
      await sql.run(
        'INSERT INTO snapshot_group_rules (grp, rules) VALUES (?, ?) ON CONFLICT (grp) DO UPDATE SET rules = excluded.rules',
        [group, JSON.stringify(rules)],
      );
    },
    async groupRules(group) {
      const r = await sql.get<{ rules: string }>('SELECT rules FROM snapshot_group_rules WHERE grp = ?', [
        group,
      ]);
      return r ? (JSON.parse(r.rules) as CompareRules) : undefined;
    },
    async prune(cell, endpoint, retention: Retention, now) {
      const dropped = await sql.tx(async () => {
        await cellLock(cell, endpoint);
        const rows = await sql.all<{ id: number; hash: string; received_at: number }>(
          'SELECT id, hash, received_at FROM snapshot_versions WHERE cell = ? AND endpoint = ? ORDER BY id DESC',
          [cell, endpoint],
        );
        const drop = beyondRetention(rows, retention, now);
        for (const ids of batches(drop.map((r) => r.id)))
          await sql.run(`DELETE FROM snapshot_versions WHERE id IN (${marks(ids.length)})`, ids);
        return drop;
      });
      // One transaction per body, after the versions' commit: see bodies.ts on lock order.
      for (const hash of new Set(dropped.map((r) => r.hash))) await collectBody(sql, hash);
      return dropped.length;
    },
    close: async () => {
      if (opts.ownsSql) await sql.close();
    },
  };
}
