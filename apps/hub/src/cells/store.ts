// The hub's store of enrolled cells and what their agents said, on the hub's Sql: one
// implementation for SQLite (one hub) and PostgreSQL (replicas sharing one database).
//
// A batch is one transaction. The messages table (id primary key) makes a resend a no-op, and
// only a message stored for the first time changes its cell: the cell's liveness is read, the
// new messages are folded in order by core's pure foldCell(), and the change is written back
// with one upsert. Two replicas may hold messages of the same cell at once (a shared
// subscription splits by message, not by cell), so on PostgreSQL the batch first locks its
// cells' state rows, in id order so that two batches cannot deadlock (PostgreSQL docs §13.3.4
// "Deadlocks"); SQLite runs one writer at a time anyway. A batch costs five statements
// whatever its size: remember the messages, make and lock the state rows, insert the probes,
// upsert the states.
import { type CellChange, foldCell, type Liveness } from '@cellfleet/core';
import type { CellDetail, CellSummary, Envelope, LastProbe, ProbeBody } from '@cellfleet/protocol';
import { type DatabaseChoice, openHubDatabase } from '../db/open.ts';
import { type Migrations, marks, type Sql, type SqlValue } from '../db/sql.ts';
import {
  detailOf,
  type Enrollment,
  enrollmentOf,
  type FleetRow,
  fleetRowOf,
  jsonColumn,
  num,
  type Row,
  summaryOf,
  truthy,
} from './rows.ts';

/** A cell's state row as the ingest locks it: its liveness and its headline probe. */
interface Locked {
  readonly liveness: Liveness;
  readonly lastProbe?: LastProbe;
}

export type { Enrollment, FleetRow };

export interface IngestOutcome {
  /** Messages stored by this call; the others in the batch were already stored (resends). */
  readonly fresh: readonly Envelope[];
}

export interface CellStore {
  enroll(record: Enrollment): Promise<void>;
  getEnrollment(id: string): Promise<Enrollment | undefined>;
  listEnrollments(): Promise<Enrollment[]>;
  /** Stores a batch in one transaction, idempotent by message id; `receivedAt` is the hub's clock. */
  ingest(batch: readonly Envelope[], receivedAt: number): Promise<IngestOutcome>;
  /** Every enrolled cell, or only those of `ids` that are enrolled; in place order (site, line, cell). */
  listCells(ids?: readonly string[]): Promise<CellSummary[]>;
  /** The ids of the cells enrolled in a sister group, sorted (no state read). */
  cellsInGroup(group: string): Promise<string[]>;
  /** One small row per cell for metrics and alerting: place, liveness, last diagnosis, health. */
  fleetRows(): Promise<FleetRow[]>;
  getCell(id: string, probeLimit?: number): Promise<CellDetail | undefined>;
  /** Each cell's newest probe of each endpoint, whole (server certificate and all). */
  latestProbes(cellIds: readonly string[]): Promise<Array<{ cell: string; body: ProbeBody }>>;
  /** Total messages stored, by kind (for tests and metrics). */
  countMessages(cellId?: string): Promise<Record<string, number>>;
  /** What was stored for a cell, in sequence order: proves exactly-once delivery in tests. */
  messageLog(cellId: string): Promise<Array<{ id: string; seq: number; kind: string; session: number }>>;
}

const TABLES = {
  sqlite: `CREATE TABLE enrollments (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, line TEXT NOT NULL, cell TEXT NOT NULL,
     sister_group TEXT NOT NULL, secret_hash TEXT NOT NULL, enrolled_at INTEGER NOT NULL);
   CREATE TABLE cell_state (
     id TEXT PRIMARY KEY REFERENCES enrollments(id), online INTEGER NOT NULL DEFAULT 0,
     session INTEGER NOT NULL DEFAULT 0, since INTEGER, last_seen INTEGER, agent_version TEXT,
     endpoints TEXT, build_info TEXT, last_probe TEXT, health TEXT);
   CREATE TABLE messages (
     id TEXT PRIMARY KEY, cell_id TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL,
     session INTEGER NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL);
   CREATE INDEX messages_cell ON messages (cell_id, received_at);
   CREATE TABLE probes (
     id TEXT PRIMARY KEY, cell_id TEXT NOT NULL, endpoint TEXT NOT NULL, at INTEGER NOT NULL,
     ok INTEGER NOT NULL, code TEXT NOT NULL, body TEXT NOT NULL);
   CREATE INDEX probes_cell ON probes (cell_id, at);`,
  postgres: `CREATE TABLE enrollments (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, line TEXT NOT NULL, cell TEXT NOT NULL,
     sister_group TEXT NOT NULL, secret_hash TEXT NOT NULL, enrolled_at BIGINT NOT NULL);
   CREATE TABLE cell_state (
     id TEXT PRIMARY KEY REFERENCES enrollments(id), online BOOLEAN NOT NULL DEFAULT false,
     session BIGINT NOT NULL DEFAULT 0, since BIGINT, last_seen BIGINT, agent_version TEXT,
     endpoints TEXT, build_info TEXT, last_probe TEXT, health TEXT);
   CREATE TABLE messages (
     id TEXT PRIMARY KEY, cell_id TEXT NOT NULL, kind TEXT NOT NULL, seq BIGINT NOT NULL,
     session BIGINT NOT NULL, ts BIGINT NOT NULL, received_at BIGINT NOT NULL);
   CREATE INDEX messages_cell ON messages (cell_id, received_at);
   CREATE TABLE probes (
     id TEXT PRIMARY KEY, cell_id TEXT NOT NULL, endpoint TEXT NOT NULL, at BIGINT NOT NULL,
     ok BOOLEAN NOT NULL, code TEXT NOT NULL, body TEXT NOT NULL);
   CREATE INDEX probes_cell ON probes (cell_id, at);`,
};

/** Unchanged from the two stores this one replaced, so existing databases stay at version 2. */
export const CELL_MIGRATIONS: Migrations = {
  sqlite: [TABLES.sqlite, 'ALTER TABLE enrollments ADD COLUMN broker_hash TEXT'],
  postgres: [TABLES.postgres, 'ALTER TABLE enrollments ADD COLUMN broker_hash TEXT'],
};

/**
 * The agent's clock against the hub's (issue 12, finding 7): the skew of the cell's last message
 * when outside core's CLOCK_WINDOW, 0 inside it. Its own namespace, so the cells steps above
 * stay as they are.
 */
export const CLOCK_MIGRATIONS: Migrations = {
  sqlite: ['ALTER TABLE cell_state ADD COLUMN clock_skew_ms INTEGER'],
  postgres: ['ALTER TABLE cell_state ADD COLUMN clock_skew_ms BIGINT'],
};

/** Rows per statement: 500 × 11 values stays under SQLite's limit of bound parameters. */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

/**
 * The rows of a multi-row INSERT. SQLite: a VALUES list. PostgreSQL: one unnest() of typed
 * arrays, a statement of the same text and a handful of parameters whatever the batch size —
 * bench/ingest.ts measured the scale-out ingest at about half the throughput with VALUES lists
 * of thousands of parameters (each batch's text parsed and planned anew).
 */
function rowsOf(
  sql: Sql,
  pgTypes: readonly string[],
  rows: readonly SqlValue[][],
): { text: string; params: SqlValue[] } {
  if (sql.dialect === 'postgres')
    return {
      text: `SELECT * FROM unnest(${pgTypes.map((t) => `?::${t}[]`).join(', ')})`,
      // node-postgres sends a JS array as a PostgreSQL array literal.
      params: pgTypes.map((_, i) => rows.map((r) => r[i] ?? null)) as unknown as SqlValue[],
    };
  const one = `(${pgTypes.map(() => '?').join(', ')})`;
  return { text: `VALUES ${rows.map(() => one).join(', ')}`, params: rows.flat() };
}

/** Byte order, as SQLite sorts text; PostgreSQL's order depends on the database's locale. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export async function openCellStore(sql: Sql): Promise<CellStore> {
  await sql.migrate('cells', CELL_MIGRATIONS);
  await sql.migrate('cell-clock', CLOCK_MIGRATIONS);

  async function remember(batch: readonly Envelope[], receivedAt: number): Promise<Set<string>> {
    const stored = new Set<string>();
    for (const some of chunks(batch)) {
      const r = rowsOf(
        sql,
        ['text', 'text', 'text', 'bigint', 'bigint', 'bigint', 'bigint'],
        some.map((m) => [m.id, m.cell, m.kind, m.seq, m.session, m.ts, receivedAt]),
      );
      const rows = await sql.all<{ id: string }>(
        `INSERT INTO messages (id, cell_id, kind, seq, session, ts, received_at) ${r.text}
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        r.params,
      );
      for (const r of rows) stored.add(r.id);
    }
    return stored;
  }

  /** Makes sure each cell has a state row, locks them in id order, and reads their liveness. */
  async function lockStates(cells: readonly string[]): Promise<Map<string, Locked>> {
    const out = new Map<string, Locked>();
    for (const some of chunks(cells)) {
      const r = rowsOf(
        sql,
        ['text'],
        some.map((id) => [id]),
      );
      await sql.run(`INSERT INTO cell_state (id) ${r.text} ON CONFLICT (id) DO NOTHING`, r.params);
      const rows = await sql.all<Row>(
        sql.dialect === 'postgres'
          ? 'SELECT id, online, session, since, last_probe FROM cell_state WHERE id = ANY(?::text[]) ORDER BY id FOR UPDATE'
          : `SELECT id, online, session, since, last_probe FROM cell_state WHERE id IN (${some.map(() => '?').join(', ')}) ORDER BY id`,
        sql.dialect === 'postgres' ? ([some] as unknown as SqlValue[]) : some,
      );
      for (const r of rows) {
        const lastProbe = jsonColumn<LastProbe>(r['last_probe']);
        out.set(String(r['id']), {
          liveness: { online: truthy(r['online']), session: Number(r['session']), since: num(r['since']) },
          ...(lastProbe ? { lastProbe } : {}),
        });
      }
    }
    return out;
  }

  async function insertProbes(fresh: readonly Envelope[]): Promise<void> {
    const probes = fresh.flatMap((m) => (m.kind === 'probe' ? [m] : []));
    for (const some of chunks(probes)) {
      const r = rowsOf(
        sql,
        ['text', 'text', 'text', 'bigint', 'bool', 'text', 'text'],
        some.map((m) => [
          m.id,
          m.cell,
          m.body.endpoint,
          m.body.startedAt,
          m.body.ok ? 1 : 0,
          m.body.diagnosis.code,
          JSON.stringify(m.body),
        ]),
      );
      await sql.run(
        `INSERT INTO probes (id, cell_id, endpoint, at, ok, code, body) ${r.text} ON CONFLICT (id) DO NOTHING`,
        r.params,
      );
    }
  }

  // Booleans travel as 1/0: SQLite stores integers, and PostgreSQL reads '1'/'0' as booleans.
  async function writeChanges(changes: ReadonlyArray<[string, CellChange]>): Promise<void> {
    for (const some of chunks(changes)) {
      const r = rowsOf(
        sql,
        ['text', 'bool', 'bigint', 'bigint', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint'],
        some.map(([id, c]): SqlValue[] => [
          id,
          c.liveness.online ? 1 : 0,
          c.liveness.session,
          c.liveness.since,
          c.agentVersion ?? null,
          json(c.endpoints),
          json(c.lastProbe),
          json(c.buildInfo),
          json(c.health),
          c.lastSeen ?? null,
          c.clockSkewMs ?? null,
        ]),
      );
      await sql.run(
        `INSERT INTO cell_state (id, online, session, since, agent_version, endpoints, last_probe, build_info,
           health, last_seen, clock_skew_ms) ${r.text}
         ON CONFLICT (id) DO UPDATE SET online = excluded.online, session = excluded.session,
           since = excluded.since,
           agent_version = COALESCE(excluded.agent_version, cell_state.agent_version),
           endpoints = COALESCE(excluded.endpoints, cell_state.endpoints),
           last_probe = COALESCE(excluded.last_probe, cell_state.last_probe),
           build_info = COALESCE(excluded.build_info, cell_state.build_info),
           health = COALESCE(excluded.health, cell_state.health),
           clock_skew_ms = COALESCE(excluded.clock_skew_ms, cell_state.clock_skew_ms),
           last_seen = CASE WHEN excluded.last_seen IS NULL THEN cell_state.last_seen
             WHEN cell_state.last_seen IS NULL OR excluded.last_seen > cell_state.last_seen THEN excluded.last_seen
             ELSE cell_state.last_seen END`,
        r.params,
      );
    }
  }

  async function ingestBatch(batch: readonly Envelope[], receivedAt: number): Promise<IngestOutcome> {
    const ids = new Set<string>();
    const unique = batch.filter((m) => !ids.has(m.id) && ids.add(m.id));
    const liveness = await lockStates([...new Set(unique.map((m) => m.cell))].sort(byText));
    const stored = await remember(unique, receivedAt);
    const fresh = unique.filter((m) => stored.has(m.id));
    if (fresh.length === 0) return { fresh };
    const byCell = new Map<string, Envelope[]>();
    for (const m of fresh) byCell.set(m.cell, [...(byCell.get(m.cell) ?? []), m]);
    await insertProbes(fresh);
    await writeChanges(
      [...byCell].map(([id, ms]): [string, CellChange] => {
        const locked = liveness.get(id)!;
        return [id, foldCell(locked.liveness, ms, receivedAt, locked.lastProbe)];
      }),
    );
    return { fresh };
  }

  const cellSelect = 'SELECT e.*, s.* FROM enrollments e JOIN cell_state s ON s.id = e.id';
  return {
    enroll: (e) =>
      sql.tx(async () => {
        await sql.run(
          `INSERT INTO enrollments (id, site, line, cell, sister_group, secret_hash, broker_hash, enrolled_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET sister_group = excluded.sister_group, secret_hash = excluded.secret_hash,
             broker_hash = excluded.broker_hash, enrolled_at = excluded.enrolled_at`,
          [e.id, e.site, e.line, e.cell, e.sisterGroup, e.secretHash, e.brokerHash ?? null, e.enrolledAt],
        );
        await sql.run('INSERT INTO cell_state (id) VALUES (?) ON CONFLICT (id) DO NOTHING', [e.id]);
      }),
    async getEnrollment(id) {
      const r = await sql.get<Row>('SELECT * FROM enrollments WHERE id = ?', [id]);
      return r ? enrollmentOf(r) : undefined;
    },
    async listEnrollments() {
      return (await sql.all<Row>('SELECT * FROM enrollments'))
        .map(enrollmentOf)
        .sort((a, b) => byText(a.id, b.id));
    },
    ingest: (batch, receivedAt) =>
      batch.length === 0 ? Promise.resolve({ fresh: [] }) : sql.tx(() => ingestBatch(batch, receivedAt)),
    async cellsInGroup(group) {
      const rows = await sql.all<{ id: string }>(
        'SELECT id FROM enrollments WHERE sister_group = ? ORDER BY id',
        [group],
      );
      return rows.map((r) => r.id);
    },
    async listCells(ids) {
      const key = (c: CellSummary) => `${c.site}\u0000${c.line}\u0000${c.cell}`;
      if (ids?.length === 0) return [];
      const rows = ids
        ? await sql.all<Row>(`${cellSelect} WHERE e.id IN (${marks(ids.length)})`, [...ids])
        : await sql.all<Row>(cellSelect);
      return rows.map(summaryOf).sort((a, b) => byText(key(a), key(b)));
    },
    async fleetRows() {
      // The last probe's diagnosis is read inside the database: a scrape of 10,000 cells then
      // parses 10,000 small health objects instead of 10,000 whole probe results.
      const diagnosis =
        sql.dialect === 'sqlite'
          ? `json_extract(s.last_probe, '$.ok') AS probe_ok, json_extract(s.last_probe, '$.diagnosis.code') AS code,
             json_extract(s.last_probe, '$.diagnosis.severity') AS severity`
          : `(s.last_probe::jsonb ->> 'ok') AS probe_ok, (s.last_probe::jsonb #>> '{diagnosis,code}') AS code,
             (s.last_probe::jsonb #>> '{diagnosis,severity}') AS severity`;
      return (
        await sql.all<Row>(
          `SELECT e.id, e.site, e.line, e.cell, e.sister_group, s.online, s.since, ${diagnosis}, s.health
           FROM enrollments e JOIN cell_state s ON s.id = e.id`,
        )
      ).map(fleetRowOf);
    },
    async getCell(id, probeLimit = 20) {
      const r = await sql.get<Row>(`${cellSelect} WHERE e.id = ?`, [id]);
      if (!r) return undefined;
      const probes = await sql.all<Row>(
        'SELECT body FROM probes WHERE cell_id = ? ORDER BY at DESC LIMIT ?',
        [id, probeLimit],
      );
      return detailOf(r, probes);
    },
    async latestProbes(cellIds) {
      if (cellIds.length === 0) return [];
      const rows = await sql.all<Row>(
        `SELECT p.cell_id, p.body FROM probes p JOIN (
           SELECT cell_id, endpoint, MAX(at) AS at FROM probes WHERE cell_id IN (${marks(cellIds.length)})
           GROUP BY cell_id, endpoint) m
         ON p.cell_id = m.cell_id AND p.endpoint = m.endpoint AND p.at = m.at`,
        cellIds,
      );
      return rows.map((r) => ({
        cell: String(r['cell_id']),
        body: JSON.parse(String(r['body'])) as ProbeBody,
      }));
    },
    async countMessages(cellId) {
      const rows = cellId
        ? await sql.all<Row>('SELECT kind, COUNT(*) AS n FROM messages WHERE cell_id = ? GROUP BY kind', [
            cellId,
          ])
        : await sql.all<Row>('SELECT kind, COUNT(*) AS n FROM messages GROUP BY kind');
      return Object.fromEntries(rows.map((r) => [String(r['kind']), Number(r['n'])]));
    },
    async messageLog(cellId) {
      const rows = await sql.all<Row>('SELECT id, seq, kind, session FROM messages WHERE cell_id = ?', [
        cellId,
      ]);
      return rows
        .map((r) => ({
          id: String(r['id']),
          seq: Number(r['seq']),
          kind: String(r['kind']),
          session: Number(r['session']),
        }))
        .sort((a, b) => a.seq - b.seq || byText(a.id, b.id));
    },
  };
}

/** Opens the hub's database, runs `work` on its cell store, and closes it (enrollment tools). */
export async function withCellStore<T>(
  choice: DatabaseChoice,
  work: (cells: CellStore) => Promise<T>,
): Promise<T> {
  const db = await openHubDatabase(choice);
  try {
    return await work(await openCellStore(db.sql));
  } finally {
    await db.close();
  }
}
