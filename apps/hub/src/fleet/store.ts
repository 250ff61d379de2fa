// What the fleet pages of issue 16 keep that no other store does: each cell's current facts
// (server version, server/agent/client certificates: core/fleet/facts.ts), and the history of
// their changes for the change feed, with bounded retention. A probe's facts are folded in
// under a lock per cell, so two replicas ingesting probes of one cell record a change once.
import {
  type CertificateSighting,
  type Fact,
  factKey,
  foldFacts,
  type KnownFact,
  type ProbeFacts,
  probeFacts,
  type ReportedCertificate,
} from '@cellfleet/core';
import type { FleetChange } from '@cellfleet/protocol';
import { type FeedWindow, oneOf } from '../db/feed.ts';
import type { Migrations, Sql, SqlValue } from '../db/sql.ts';

export const FLEET_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE cell_facts (
       cell TEXT NOT NULL, name TEXT NOT NULL, scope TEXT NOT NULL, value TEXT NOT NULL,
       detail TEXT, at INTEGER NOT NULL, PRIMARY KEY (cell, name, scope));
     CREATE TABLE fleet_changes (
       id INTEGER PRIMARY KEY AUTOINCREMENT, cell TEXT NOT NULL, at INTEGER NOT NULL, name TEXT NOT NULL,
       scope TEXT NOT NULL, from_value TEXT NOT NULL, to_value TEXT NOT NULL, detail TEXT);
     CREATE INDEX fleet_changes_at ON fleet_changes (at);
     CREATE INDEX fleet_changes_cell ON fleet_changes (cell, id);`,
  ],
  postgres: [
    `CREATE TABLE cell_facts (
       cell TEXT NOT NULL, name TEXT NOT NULL, scope TEXT NOT NULL, value TEXT NOT NULL,
       detail TEXT, at BIGINT NOT NULL, PRIMARY KEY (cell, name, scope));
     CREATE TABLE fleet_changes (
       id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, cell TEXT NOT NULL, at BIGINT NOT NULL,
       name TEXT NOT NULL, scope TEXT NOT NULL, from_value TEXT NOT NULL, to_value TEXT NOT NULL, detail TEXT);
     CREATE INDEX fleet_changes_at ON fleet_changes (at);
     CREATE INDEX fleet_changes_cell ON fleet_changes (cell, id);`,
  ],
};

/**
 * The feed reads drift and the audit log by time across the fleet; their own indexes are by
 * cell and by subject. Its own namespace, run once the snapshot and audit modules made their
 * tables (services.ts calls indexFeedSources after opening them).
 */
export const FEED_INDEX_MIGRATIONS: Migrations = {
  sqlite: [
    'CREATE INDEX snapshot_drift_at ON snapshot_drift (at); CREATE INDEX audit_log_at ON audit_log (at);',
  ],
  postgres: [
    'CREATE INDEX snapshot_drift_at ON snapshot_drift (at); CREATE INDEX audit_log_at ON audit_log (at);',
  ],
};

export async function indexFeedSources(sql: Sql): Promise<void> {
  await sql.migrate('fleet-feed-indexes', FEED_INDEX_MIGRATIONS);
}

export interface FactRetention {
  /** Changes older than this are dropped (default 90 days). */
  readonly maxAgeMs?: number;
  /** Changes kept per cell, newest (default 1,000): a flapping certificate cannot fill the table. */
  readonly maxPerCell?: number;
}

const DAY = 86_400_000;
const DEFAULTS = { maxAgeMs: 90 * DAY, maxPerCell: 1000 };

export interface FleetStore {
  /** Folds one probe (taken at `at`) into the cell's facts; returns the changes it made. */
  recordProbe(cell: string, probe: ProbeFacts, at: number): Promise<number>;
  /** Every certificate each cell reports now, for the inventory. */
  certificateSightings(): Promise<CertificateSighting[]>;
  /** Version and certificate changes in the window, newest first. */
  changes(w: FeedWindow & { readonly kind?: 'version' | 'certificate' }): Promise<FleetChange[]>;
}

interface FactRow {
  cell: string;
  name: string;
  scope: string;
  value: string;
  detail: string | null;
  at: number;
}

interface ChangeRow {
  id: number;
  cell: string;
  at: number;
  name: string;
  scope: string;
  from_value: string;
  to_value: string;
  detail: string | null;
}

const detailOf = (f: Fact): string | null =>
  f.certificate ? JSON.stringify(f.certificate) : f.product ? JSON.stringify({ product: f.product }) : null;

export async function openFleetStore(sql: Sql, retention: FactRetention = {}): Promise<FleetStore> {
  await sql.migrate('fleet', FLEET_MIGRATIONS);
  const keep = { ...DEFAULTS, ...retention };

  async function prune(cell: string, now: number): Promise<void> {
    await sql.run('DELETE FROM fleet_changes WHERE at < ?', [now - keep.maxAgeMs]);
    await sql.run(
      `DELETE FROM fleet_changes WHERE cell = ? AND id <= (
         SELECT id FROM fleet_changes WHERE cell = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
      [cell, cell, keep.maxPerCell],
    );
  }

  return {
    async recordProbe(cell, probe, at) {
      const facts = probeFacts(probe);
      if (facts.length === 0) return 0;
      return sql.tx(async () => {
        await sql.lock(`cell-facts:${cell}`);
        const rows = await sql.all<FactRow>('SELECT name, scope, value, at FROM cell_facts WHERE cell = ?', [
          cell,
        ]);
        const known = new Map<string, KnownFact>(
          rows.map((r) => [factKey(r), { value: r.value, at: Number(r.at) }]),
        );
        const update = foldFacts(known, facts, at);
        for (const f of update.current)
          await sql.run(
            `INSERT INTO cell_facts (cell, name, scope, value, detail, at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (cell, name, scope) DO UPDATE SET value = excluded.value, detail = excluded.detail, at = excluded.at`,
            [cell, f.name, f.scope, f.value, detailOf(f), at],
          );
        for (const { fact, from } of update.changed)
          await sql.run(
            'INSERT INTO fleet_changes (cell, at, name, scope, from_value, to_value, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
            [cell, at, fact.name, fact.scope, from, fact.value, detailOf(fact)],
          );
        // Changes are rare (an upgrade, a renewed certificate): pruning rides on them.
        if (update.changed.length > 0) await prune(cell, at);
        return update.changed.length;
      });
    },
    async certificateSightings() {
      const rows = await sql.all<FactRow>(
        "SELECT cell, name, scope, detail, at FROM cell_facts WHERE name LIKE '%-certificate' AND detail IS NOT NULL",
      );
      return rows.map((r) => ({
        cell: r.cell,
        role: r.name.replace(/-certificate$/, '') as CertificateSighting['role'],
        where: r.scope,
        seenAt: Number(r.at),
        certificate: JSON.parse(r.detail!) as ReportedCertificate,
      }));
    },
    async changes(w) {
      const where = ['at >= ?', 'at < ?'];
      const params: SqlValue[] = [w.since, w.before];
      if (w.kind) where.push(w.kind === 'version' ? "name = 'server-version'" : "name LIKE '%-certificate'");
      if (w.cells) {
        const f = oneOf(sql, 'cell', w.cells);
        where.push(f.text);
        params.push(...f.params);
      }
      const rows = await sql.all<ChangeRow>(
        `SELECT * FROM fleet_changes WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
        [...params, w.limit],
      );
      return rows.map(toChange);
    },
  };
}

function toChange(r: ChangeRow): FleetChange {
  const detail = r.detail ? (JSON.parse(r.detail) as Partial<ReportedCertificate & { product: string }>) : {};
  const base = {
    id: `${r.name}:${r.id}`,
    at: Number(r.at),
    cells: [r.cell],
    where: r.scope,
    from: r.from_value,
    to: r.to_value,
  };
  if (r.name === 'server-version')
    return {
      ...base,
      kind: 'version',
      summary: `${detail.product ?? 'server'} ${r.from_value} → ${r.to_value}`,
    };
  const whose = r.name.replace(/-certificate$/, '');
  const at = whose === 'agent' ? '' : ` at ${r.scope}`;
  return {
    ...base,
    kind: 'certificate',
    summary: `new ${whose} certificate${at}${detail.subject ? `: ${detail.subject}` : ''}`,
  };
}
