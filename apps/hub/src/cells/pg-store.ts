// CellStore on PostgreSQL, for several hub replicas sharing one database. Same semantics as
// sqlite-store.ts: a batch is one transaction, the messages table (id primary key) makes a
// resend a no-op, and only new messages have effects. Two replicas may hold messages of the
// same cell at once (a shared subscription splits by message, not by cell), so a batch first
// locks its cells' state rows, in id order so that two batches cannot deadlock
// (PostgreSQL docs §13.3.4 "Deadlocks"). A batch costs a fixed handful of round trips:
// effects are folded in memory and written with one UPDATE ... FROM unnest(...).
import { applyLiveness, type Liveness } from '@cellfleet/core';
import type { Envelope, LastProbe } from '@cellfleet/protocol';
import type pg from 'pg';
import { migratePg } from '../db/pg-migrate.ts';
import { createPgPool } from '../db/pg-sql.ts';
import { detailOf, enrollmentOf, num, summaryOf } from './rows.ts';
import type { CellStore } from './store.ts';

const MIGRATIONS = [
  `CREATE TABLE enrollments (
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
  'ALTER TABLE enrollments ADD COLUMN broker_hash TEXT',
];

export interface PgCellStore extends CellStore {
  /** The pool, for advisory locks shared with other hub modules. */
  readonly pool: pg.Pool;
}

type Row = Record<string, unknown>;

/** What one batch does to one cell's state row; null fields are left as they are. */
interface CellDelta {
  liveness: Liveness;
  agentVersion: string | null;
  endpoints: string | null;
  lastProbe: string | null;
  buildInfo: string | null;
  health: string | null;
  seen: number | null;
}

export async function openPgCellStore(url: string, options: { max?: number } = {}): Promise<PgCellStore> {
  return pgCellStore(createPgPool(url, options.max ?? 10), { ownsPool: true });
}

/** The cell store on a pool shared with the other hub modules; migrates it first. */
export async function pgCellStore(pool: pg.Pool, opts: { ownsPool?: boolean } = {}): Promise<PgCellStore> {
  await migratePg(pool, 'cells', MIGRATIONS);

  /** Folds one new message into its cell's delta, in batch order (as SQLite applies them). */
  function fold(d: CellDelta, m: Envelope, receivedAt: number): void {
    if (m.kind !== 'death') d.seen = receivedAt;
    switch (m.kind) {
      case 'birth':
      case 'death': {
        // A death's envelope was written when the connection opened; the hub's clock says when it died.
        const at = m.kind === 'birth' ? m.ts : receivedAt;
        d.liveness = applyLiveness(d.liveness, { kind: m.kind, session: m.session, at });
        if (m.kind === 'birth') {
          d.agentVersion = m.body.agentVersion;
          d.endpoints = JSON.stringify(m.body.endpoints);
        }
        return;
      }
      case 'probe': {
        const b = m.body;
        const p: LastProbe = {
          endpoint: b.endpoint,
          url: b.url,
          ok: b.ok,
          at: b.startedAt,
          durationMs: b.durationMs,
          diagnosis: b.diagnosis,
          findings: b.findings,
          steps: b.steps,
        };
        d.lastProbe = JSON.stringify(p);
        if (b.server?.buildInfo) d.buildInfo = JSON.stringify(b.server.buildInfo);
        return;
      }
      case 'health':
        d.health = JSON.stringify(m.body);
        return;
      default:
        // Snapshot and action messages are recorded for idempotency here and handled by
        // their own services.
        return;
    }
  }

  async function ingestBatch(c: pg.PoolClient, batch: readonly Envelope[], receivedAt: number) {
    const seenIds = new Set<string>();
    const unique = batch.filter((m) => !seenIds.has(m.id) && seenIds.add(m.id));
    const cells = [...new Set(unique.map((m) => m.cell))].sort();
    await c.query('INSERT INTO cell_state (id) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING', [
      cells,
    ]);
    const states = await c.query(
      'SELECT id, online, session, since FROM cell_state WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
      [cells],
    );
    const inserted = await c.query<{ id: string }>(
      `INSERT INTO messages (id, cell_id, kind, seq, session, ts, received_at)
       SELECT *, $7::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        unique.map((m) => m.id),
        unique.map((m) => m.cell),
        unique.map((m) => m.kind),
        unique.map((m) => m.seq),
        unique.map((m) => m.session),
        unique.map((m) => m.ts),
        receivedAt,
      ],
    );
    const newIds = new Set(inserted.rows.map((r) => r.id));
    const fresh = unique.filter((m) => newIds.has(m.id));
    if (fresh.length === 0) return fresh;
    const deltas = new Map<string, CellDelta>();
    for (const r of states.rows as Row[]) {
      const liveness = {
        online: r['online'] === true,
        session: Number(r['session']),
        since: num(r['since']),
      };
      deltas.set(String(r['id']), {
        liveness,
        agentVersion: null,
        endpoints: null,
        lastProbe: null,
        buildInfo: null,
        health: null,
        seen: null,
      });
    }
    for (const m of fresh) fold(deltas.get(m.cell)!, m, receivedAt);
    const probes = fresh.flatMap((m) => (m.kind === 'probe' ? [m] : []));
    if (probes.length > 0) {
      await c.query(
        `INSERT INTO probes (id, cell_id, endpoint, at, ok, code, body)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bool[], $6::text[], $7::text[])
         ON CONFLICT (id) DO NOTHING`,
        [
          probes.map((m) => m.id),
          probes.map((m) => m.cell),
          probes.map((m) => m.body.endpoint),
          probes.map((m) => m.body.startedAt),
          probes.map((m) => m.body.ok),
          probes.map((m) => m.body.diagnosis.code),
          probes.map((m) => JSON.stringify(m.body)),
        ],
      );
    }
    const ds = [...deltas.entries()];
    const col = <T>(f: (d: CellDelta) => T) => ds.map(([, d]) => f(d));
    await c.query(
      `UPDATE cell_state s SET online = u.online, session = u.session, since = u.since,
         agent_version = COALESCE(u.agent_version, s.agent_version), endpoints = COALESCE(u.endpoints, s.endpoints),
         last_probe = COALESCE(u.last_probe, s.last_probe), build_info = COALESCE(u.build_info, s.build_info),
         health = COALESCE(u.health, s.health),
         last_seen = CASE WHEN u.seen IS NULL THEN s.last_seen ELSE GREATEST(COALESCE(s.last_seen, 0), u.seen) END
       FROM unnest($1::text[], $2::bool[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::text[], $10::bigint[])
         AS u(id, online, session, since, agent_version, endpoints, last_probe, build_info, health, seen)
       WHERE s.id = u.id`,
      [
        ds.map(([id]) => id),
        col((d) => d.liveness.online),
        col((d) => d.liveness.session),
        col((d) => d.liveness.since),
        col((d) => d.agentVersion),
        col((d) => d.endpoints),
        col((d) => d.lastProbe),
        col((d) => d.buildInfo),
        col((d) => d.health),
        col((d) => d.seen),
      ],
    );
    return fresh;
  }

  // ORDER BY … COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
  const cellSelect = 'SELECT e.*, s.* FROM enrollments e JOIN cell_state s ON s.id = e.id';
  return {
    pool,
    async enroll(e) {
      await pool.query(
        `INSERT INTO enrollments (id, site, line, cell, sister_group, secret_hash, broker_hash, enrolled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET sister_group = excluded.sister_group, secret_hash = excluded.secret_hash,
           broker_hash = excluded.broker_hash, enrolled_at = excluded.enrolled_at`,
        [e.id, e.site, e.line, e.cell, e.sisterGroup, e.secretHash, e.brokerHash ?? null, e.enrolledAt],
      );
      await pool.query('INSERT INTO cell_state (id) VALUES ($1) ON CONFLICT DO NOTHING', [e.id]);
    },
    async getEnrollment(id) {
      const r = await pool.query('SELECT * FROM enrollments WHERE id = $1', [id]);
      return r.rows[0] ? enrollmentOf(r.rows[0] as Row) : undefined;
    },
    async listEnrollments() {
      const r = await pool.query('SELECT * FROM enrollments ORDER BY id COLLATE "C"');
      return (r.rows as Row[]).map(enrollmentOf);
    },
    async ingest(batch, receivedAt) {
      if (batch.length === 0) return { fresh: [] };
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const fresh = await ingestBatch(c, batch, receivedAt);
        await c.query('COMMIT');
        return { fresh };
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    async listCells() {
      const r = await pool.query(
        `${cellSelect} ORDER BY e.site COLLATE "C", e.line COLLATE "C", e.cell COLLATE "C"`,
      );
      return (r.rows as Row[]).map(summaryOf);
    },
    async getCell(id, probeLimit = 20) {
      const r = await pool.query(`${cellSelect} WHERE e.id = $1`, [id]);
      const row = r.rows[0] as Row | undefined;
      if (!row) return undefined;
      const p = await pool.query('SELECT body FROM probes WHERE cell_id = $1 ORDER BY at DESC LIMIT $2', [
        id,
        probeLimit,
      ]);
      return detailOf(row, p.rows as Row[]);
    },
    async countMessages(cellId) {
      const r = cellId
        ? await pool.query('SELECT kind, COUNT(*) AS n FROM messages WHERE cell_id = $1 GROUP BY kind', [
            cellId,
          ])
        : await pool.query('SELECT kind, COUNT(*) AS n FROM messages GROUP BY kind');
      return Object.fromEntries((r.rows as Row[]).map((x) => [String(x['kind']), Number(x['n'])]));
    },
    async messageLog(cellId) {
      const r = await pool.query(
        'SELECT id, seq, kind, session FROM messages WHERE cell_id = $1 ORDER BY seq, id COLLATE "C"',
        [cellId],
      );
      return (r.rows as Row[]).map((x) => ({
        id: String(x['id']),
        seq: Number(x['seq']),
        kind: String(x['kind']),
        session: Number(x['session']),
      }));
    },
    async close() {
      if (opts.ownsPool) await pool.end();
    },
  };
}
