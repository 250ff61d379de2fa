// SnapshotStore on node:sqlite. Bodies are gzip(canonical content) keyed by hash.
import type { DatabaseSync } from 'node:sqlite';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type CompareRules, canonicalSnapshot, snapshotFromContent } from '@cellfleet/core';
import type { SnapshotChunkBody } from '@cellfleet/protocol';
import { migrate, openSqlite } from '../store/migrate.ts';
import type { DriftEvent, GoldenPin, NewVersion, Retention, SnapshotStore, StoredVersion } from './store.ts';

const MIGRATIONS = [
  `CREATE TABLE snapshot_bodies (hash TEXT PRIMARY KEY, body BLOB NOT NULL);
   CREATE TABLE snapshot_versions (id INTEGER PRIMARY KEY AUTOINCREMENT, cell TEXT NOT NULL,
     endpoint TEXT NOT NULL, hash TEXT NOT NULL, taken_at INTEGER NOT NULL, received_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL, status TEXT NOT NULL);
   CREATE INDEX snapshot_versions_cell ON snapshot_versions (cell, endpoint, id);
   CREATE TABLE snapshot_chunks (cell TEXT NOT NULL, endpoint TEXT NOT NULL, hash TEXT NOT NULL,
     idx INTEGER NOT NULL, count INTEGER NOT NULL, data TEXT NOT NULL, received_at INTEGER NOT NULL,
     PRIMARY KEY (cell, endpoint, hash, idx));
   CREATE TABLE snapshot_drift (id INTEGER PRIMARY KEY AUTOINCREMENT, cell TEXT NOT NULL, endpoint TEXT NOT NULL,
     at INTEGER NOT NULL, from_hash TEXT NOT NULL, to_hash TEXT NOT NULL, text TEXT NOT NULL, changes TEXT NOT NULL);
   CREATE INDEX snapshot_drift_cell ON snapshot_drift (cell, at);
   CREATE TABLE snapshot_groups (cell TEXT PRIMARY KEY, grp TEXT NOT NULL);
   CREATE TABLE snapshot_golden (grp TEXT NOT NULL, endpoint TEXT NOT NULL, cell TEXT NOT NULL, hash TEXT NOT NULL,
     pinned_at INTEGER NOT NULL, PRIMARY KEY (grp, endpoint));
   CREATE TABLE snapshot_group_rules (grp TEXT PRIMARY KEY, rules TEXT NOT NULL);`,
];

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

const toVersion = (r: VersionRow): StoredVersion => ({
  id: r.id,
  cell: r.cell,
  endpoint: r.endpoint,
  hash: r.hash,
  takenAt: r.taken_at,
  receivedAt: r.received_at,
  lastSeenAt: r.last_seen_at,
  status: JSON.parse(r.status),
});

const toDrift = (r: Record<string, unknown>): DriftEvent => ({
  id: Number(r['id']),
  cell: String(r['cell']),
  endpoint: String(r['endpoint']),
  at: Number(r['at']),
  fromHash: String(r['from_hash']),
  toHash: String(r['to_hash']),
  text: String(r['text']),
  changes: JSON.parse(String(r['changes'])),
});

export async function openSqliteSnapshotStore(path: string): Promise<SnapshotStore> {
  return sqliteSnapshotStore(await openSqlite(path), { ownsDb: true });
}

export function sqliteSnapshotStore(db: DatabaseSync, opts: { ownsDb?: boolean } = {}): SnapshotStore {
  migrate(db, 'snapshots', MIGRATIONS);
  const q = (sql: string) => db.prepare(sql);
  const versionRows = (sql: string, ...args: (string | number)[]) =>
    (q(sql).all(...args) as unknown as VersionRow[]).map(toVersion);
  return {
    latest: async (cell, endpoint) =>
      versionRows(
        'SELECT * FROM snapshot_versions WHERE cell = ? AND endpoint = ? ORDER BY id DESC LIMIT 1',
        cell,
        endpoint,
      )[0],
    load: async (v) => {
      const row = q('SELECT body FROM snapshot_bodies WHERE hash = ?').get(v.hash) as
        | { body: Uint8Array }
        | undefined;
      if (!row) return undefined;
      const content = JSON.parse(gunzipSync(row.body).toString('utf8'));
      return snapshotFromContent(content, { endpoint: v.endpoint, takenAt: v.takenAt });
    },
    findVersion: async (cell, hash, endpoint) => {
      const rows = versionRows(
        'SELECT * FROM snapshot_versions WHERE cell = ? AND hash = ? ORDER BY id DESC',
        cell,
        hash,
      );
      return rows.find((r) => endpoint === undefined || r.endpoint === endpoint);
    },
    listVersions: async (cell, endpoint) =>
      endpoint === undefined
        ? versionRows('SELECT * FROM snapshot_versions WHERE cell = ? ORDER BY id', cell)
        : versionRows(
            'SELECT * FROM snapshot_versions WHERE cell = ? AND endpoint = ? ORDER BY id',
            cell,
            endpoint,
          ),
    endpointsOf: async (cell) =>
      (
        q('SELECT DISTINCT endpoint FROM snapshot_versions WHERE cell = ? ORDER BY endpoint').all(cell) as {
          endpoint: string;
        }[]
      ).map((r) => r.endpoint),
    addVersion: async (v: NewVersion) => {
      q('INSERT OR IGNORE INTO snapshot_bodies (hash, body) VALUES (?, ?)').run(
        v.hash,
        gzipSync(canonicalSnapshot(v.snapshot)),
      );
      const r = q(
        `INSERT INTO snapshot_versions (cell, endpoint, hash, taken_at, received_at, last_seen_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        v.cell,
        v.endpoint,
        v.hash,
        v.snapshot.takenAt,
        v.receivedAt,
        v.receivedAt,
        JSON.stringify(v.snapshot.status),
      );
      return versionRows('SELECT * FROM snapshot_versions WHERE id = ?', Number(r.lastInsertRowid))[0]!;
    },
    touch: async (id, at) => {
      q('UPDATE snapshot_versions SET last_seen_at = MAX(last_seen_at, ?) WHERE id = ?').run(at, id);
    },
    putChunk: async (cell, c: SnapshotChunkBody, at) => {
      q(
        'INSERT OR IGNORE INTO snapshot_chunks (cell, endpoint, hash, idx, count, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(cell, c.endpoint, c.hash, c.index, c.count, c.data, at);
      const rows = q(
        'SELECT idx, data FROM snapshot_chunks WHERE cell = ? AND endpoint = ? AND hash = ? AND count = ? ORDER BY idx',
      ).all(cell, c.endpoint, c.hash, c.count) as { idx: number; data: string }[];
      return rows.length === c.count ? rows.map((r) => r.data) : undefined;
    },
    dropChunks: async (cell, endpoint, hash) => {
      q('DELETE FROM snapshot_chunks WHERE cell = ? AND endpoint = ? AND hash = ?').run(cell, endpoint, hash);
    },
    addDrift: async (e) => {
      const r = q(
        'INSERT INTO snapshot_drift (cell, endpoint, at, from_hash, to_hash, text, changes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(e.cell, e.endpoint, e.at, e.fromHash, e.toHash, e.text, JSON.stringify(e.changes));
      return { ...e, id: Number(r.lastInsertRowid) };
    },
    listDrift: async (cell, o = {}) => {
      const rows = q(
        `SELECT * FROM snapshot_drift WHERE cell = ? AND (? IS NULL OR endpoint = ?) AND at >= ? ORDER BY at DESC, id DESC LIMIT ?`,
      ).all(cell, o.endpoint ?? null, o.endpoint ?? null, o.since ?? 0, o.limit ?? 100) as Record<
        string,
        unknown
      >[];
      return rows.map(toDrift);
    },
    setGroup: async (cell, group) => {
      q(
        'INSERT INTO snapshot_groups (cell, grp) VALUES (?, ?) ON CONFLICT (cell) DO UPDATE SET grp = excluded.grp',
      ).run(cell, group);
    },
    cellsInGroup: async (group) =>
      (
        q('SELECT cell FROM snapshot_groups WHERE grp = ? ORDER BY cell').all(group) as { cell: string }[]
      ).map((r) => r.cell),
    setGolden: async (p: GoldenPin) => {
      q(
        `INSERT INTO snapshot_golden (grp, endpoint, cell, hash, pinned_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (grp, endpoint) DO UPDATE SET cell = excluded.cell, hash = excluded.hash, pinned_at = excluded.pinned_at`,
      ).run(p.group, p.endpoint, p.cell, p.hash, p.pinnedAt);
    },
    golden: async (group, endpoint) => {
      const r = q('SELECT * FROM snapshot_golden WHERE grp = ? AND endpoint = ?').get(group, endpoint) as
        | Record<string, unknown>
        | undefined;
      if (!r) return undefined;
      return {
        group,
        endpoint,
        cell: String(r['cell']),
        hash: String(r['hash']),
        pinnedAt: Number(r['pinned_at']),
      };
    },
    setGroupRules: async (group, rules: CompareRules) => {
      q(
        'INSERT INTO snapshot_group_rules (grp, rules) VALUES (?, ?) ON CONFLICT (grp) DO UPDATE SET rules = excluded.rules',
      ).run(group, JSON.stringify(rules));
    },
    groupRules: async (group) => {
      const r = q('SELECT rules FROM snapshot_group_rules WHERE grp = ?').get(group) as
        | { rules: string }
        | undefined;
      return r ? (JSON.parse(r.rules) as CompareRules) : undefined;
    },
    prune: async (cell, endpoint, retention: Retention, now) => prune(db, { cell, endpoint, retention, now }),
    close: async () => {
      if (opts.ownsDb) db.close();
    },
  };
}

/** Drops versions beyond the retention (never the latest), then bodies nothing refers to. */
function prune(
  db: DatabaseSync,
  o: { cell: string; endpoint: string; retention: Retention; now: number },
): number {
  const ids = (
    db
      .prepare(
        'SELECT id, received_at FROM snapshot_versions WHERE cell = ? AND endpoint = ? ORDER BY id DESC',
      )
      .all(o.cell, o.endpoint) as { id: number; received_at: number }[]
  ).slice(1);
  const max = Math.max(1, o.retention.maxVersions ?? 500);
  const drop = ids.filter(
    (r, i) =>
      i + 1 >= max || (o.retention.maxAgeMs !== undefined && r.received_at < o.now - o.retention.maxAgeMs),
  );
  for (const r of drop) db.prepare('DELETE FROM snapshot_versions WHERE id = ?').run(r.id);
  if (drop.length > 0) {
    db.exec(`DELETE FROM snapshot_bodies WHERE hash NOT IN (SELECT hash FROM snapshot_versions)
             AND hash NOT IN (SELECT hash FROM snapshot_golden)`);
  }
  return drop.length;
}
