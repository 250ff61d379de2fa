// History for pictures (issue 16): the fleet's faulted/offline counts, sampled now and then
// and kept for a bounded time, and one cell's probes and liveness read back over a range
// from what the cell store already keeps (probes, messages). One implementation on the hub's
// Sql for SQLite and PostgreSQL alike.
import { applyLiveness, type Liveness, type TrendSample } from '@cellfleet/core';
import type { HistoryProbe, ProbeBody } from '@cellfleet/protocol';
import type { Migrations, Sql } from '../db/sql.ts';

export const HISTORY_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE fleet_samples (
       at INTEGER PRIMARY KEY, total INTEGER NOT NULL, faulted INTEGER NOT NULL, offline INTEGER NOT NULL)`,
  ],
  postgres: [
    `CREATE TABLE fleet_samples (
       at BIGINT PRIMARY KEY, total INTEGER NOT NULL, faulted INTEGER NOT NULL, offline INTEGER NOT NULL)`,
  ],
};

/** Samples older than this are deleted as new ones are stored: a 7-day chart and a day of margin. */
export const TREND_RETENTION_MS = 8 * 86_400_000;

/** Probes one cell history answer carries at most (the newest of the range). */
export const HISTORY_PROBE_LIMIT = 5_000;

export interface CellHistory {
  readonly probes: HistoryProbe[];
  readonly liveness: Array<{ at: number; online: boolean }>;
  readonly truncated: boolean;
}

export interface HistoryStore {
  /** Stores one count and deletes those past retention. */
  record(sample: TrendSample): Promise<void>;
  /** Stored counts with from ≤ at ≤ to, oldest first. */
  samples(from: number, to: number): Promise<TrendSample[]>;
  /** The oldest stored count's time; null before the first. */
  oldest(): Promise<number | null>;
  cellHistory(cell: string, from: number, to: number): Promise<CellHistory>;
}

type Row = Record<string, unknown>;

export async function openHistoryStore(sql: Sql, retentionMs = TREND_RETENTION_MS): Promise<HistoryStore> {
  await sql.migrate('history', HISTORY_MIGRATIONS);
  const sampleOf = (r: Row): TrendSample => ({
    at: Number(r['at']),
    total: Number(r['total']),
    faulted: Number(r['faulted']),
    offline: Number(r['offline']),
  });
  return {
    record: (s) =>
      sql.tx(async () => {
        // Two replicas sampling the same millisecond store one count: the chart keeps the worst
        // per bucket anyway.
        await sql.run(
          'INSERT INTO fleet_samples (at, total, faulted, offline) VALUES (?, ?, ?, ?) ON CONFLICT (at) DO NOTHING',
          [s.at, s.total, s.faulted, s.offline],
        );
        await sql.run('DELETE FROM fleet_samples WHERE at < ?', [s.at - retentionMs]);
      }),
    async samples(from, to) {
      const rows = await sql.all<Row>(
        'SELECT at, total, faulted, offline FROM fleet_samples WHERE at >= ? AND at <= ? ORDER BY at',
        [from, to],
      );
      return rows.map(sampleOf);
    },
    async oldest() {
      const r = await sql.get<Row>('SELECT MIN(at) AS at FROM fleet_samples');
      return r?.['at'] === null || r?.['at'] === undefined ? null : Number(r['at']);
    },
    async cellHistory(cell, from, to) {
      const rows = await sql.all<Row>(
        'SELECT body FROM probes WHERE cell_id = ? AND at >= ? AND at <= ? ORDER BY at DESC LIMIT ?',
        [cell, from, to, HISTORY_PROBE_LIMIT + 1],
      );
      const truncated = rows.length > HISTORY_PROBE_LIMIT;
      const probes = rows
        .slice(0, HISTORY_PROBE_LIMIT)
        .map((r) => historyProbeOf(JSON.parse(String(r['body'])) as ProbeBody))
        .reverse();
      const events = await sql.all<Row>(
        `SELECT kind, session, received_at FROM messages
         WHERE cell_id = ? AND kind IN ('birth', 'death') AND received_at >= ? AND received_at <= ?
         ORDER BY received_at, seq`,
        [cell, from, to],
      );
      return { probes, liveness: livenessSteps(events), truncated };
    },
  };
}

/** A stored probe as the history picture needs it: times per ladder step, no evidence text. */
export function historyProbeOf(b: ProbeBody): HistoryProbe {
  return {
    at: b.startedAt,
    endpoint: b.endpoint,
    ...(b.client ? { client: b.client.label ?? b.client.name } : {}),
    ok: b.ok,
    code: b.diagnosis.code,
    durationMs: b.durationMs,
    steps: b.steps.map((s) => ({ name: s.name, ok: s.ok, ms: s.ms })),
  };
}

/**
 * Births and deaths → the moments the cell went online or offline, by the same session rule
 * as the cell's own liveness (core liveness.ts): a late Will of an old connection is no step.
 */
function livenessSteps(rows: readonly Row[]): Array<{ at: number; online: boolean }> {
  let state: Liveness = { online: false, session: 0, since: null };
  const out: Array<{ at: number; online: boolean }> = [];
  for (const r of rows) {
    const at = Number(r['received_at']);
    const next = applyLiveness(state, {
      kind: r['kind'] === 'birth' ? 'birth' : 'death',
      session: Number(r['session']),
      at,
    });
    if (next !== state && (out.length === 0 || out[out.length - 1]?.online !== next.online))
      out.push({ at, online: next.online });
    state = next;
  }
  return out;
}
