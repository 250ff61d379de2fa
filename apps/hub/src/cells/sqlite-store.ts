// CellStore on node:sqlite. Every batch is one transaction: the messages table (id primary
// key) makes a resend a no-op, and a message's effects are applied only when it is new.
import { applyLiveness, type Liveness } from '@cellfleet/core';
import type { Envelope, LastProbe } from '@cellfleet/protocol';
import { migrate } from '../db/migrate.ts';
import { openSqliteSql, type SqliteSql } from '../db/sqlite-sql.ts';
import { detailOf, enrollmentOf, summaryOf } from './rows.ts';
import type { CellStore } from './store.ts';

const MIGRATIONS = [
  `CREATE TABLE enrollments (
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
  'ALTER TABLE enrollments ADD COLUMN broker_hash TEXT',
];

type Row = Record<string, string | number | null>;

export async function openSqliteCellStore(path: string): Promise<CellStore> {
  return sqliteCellStore(await openSqliteSql(path), { ownsDb: true });
}

/**
 * The cell store on an open database (shared with the other hub modules); migrates it first.
 * Every method runs in the connection's turn (see sqlite-sql.ts), so a batch never lands in
 * another module's open transaction.
 */
export async function sqliteCellStore(sql: SqliteSql, opts: { ownsDb?: boolean } = {}): Promise<CellStore> {
  const db = sql.db;
  await sql.exclusive(() => migrate(db, 'cells', MIGRATIONS));
  const turn = sql.exclusive;
  const q = {
    enroll: db.prepare(
      `INSERT INTO enrollments (id, site, line, cell, sister_group, secret_hash, broker_hash, enrolled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET sister_group = excluded.sister_group, secret_hash = excluded.secret_hash,
         broker_hash = excluded.broker_hash, enrolled_at = excluded.enrolled_at`,
    ),
    ensureState: db.prepare('INSERT OR IGNORE INTO cell_state (id) VALUES (?)'),
    enrollment: db.prepare('SELECT * FROM enrollments WHERE id = ?'),
    enrollments: db.prepare('SELECT * FROM enrollments ORDER BY id'),
    remember: db.prepare(
      'INSERT OR IGNORE INTO messages (id, cell_id, kind, seq, session, ts, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    state: db.prepare('SELECT online, session, since FROM cell_state WHERE id = ?'),
    setLiveness: db.prepare('UPDATE cell_state SET online = ?, session = ?, since = ? WHERE id = ?'),
    birthInfo: db.prepare('UPDATE cell_state SET agent_version = ?, endpoints = ? WHERE id = ?'),
    seen: db.prepare('UPDATE cell_state SET last_seen = MAX(COALESCE(last_seen, 0), ?) WHERE id = ?'),
    probe: db.prepare(
      'INSERT OR IGNORE INTO probes (id, cell_id, endpoint, at, ok, code, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    lastProbe: db.prepare('UPDATE cell_state SET last_probe = ? WHERE id = ?'),
    buildInfo: db.prepare('UPDATE cell_state SET build_info = ? WHERE id = ?'),
    health: db.prepare('UPDATE cell_state SET health = ? WHERE id = ?'),
    cells: db.prepare(
      'SELECT e.*, s.* FROM enrollments e JOIN cell_state s ON s.id = e.id ORDER BY e.site, e.line, e.cell',
    ),
    cell: db.prepare('SELECT e.*, s.* FROM enrollments e JOIN cell_state s ON s.id = e.id WHERE e.id = ?'),
    probes: db.prepare('SELECT body, at FROM probes WHERE cell_id = ? ORDER BY at DESC LIMIT ?'),
  };

  const liveness = (id: string): Liveness => {
    const r = q.state.get(id) as { online: number; session: number; since: number | null } | undefined;
    return r
      ? { online: r.online === 1, session: r.session, since: r.since }
      : { online: false, session: 0, since: null };
  };

  function apply(m: Envelope, receivedAt: number): void {
    q.ensureState.run(m.cell);
    switch (m.kind) {
      case 'birth':
      case 'death': {
        // A death's envelope was written when the connection opened; the hub's clock says when it died.
        const at = m.kind === 'birth' ? m.ts : receivedAt;
        const next = applyLiveness(liveness(m.cell), { kind: m.kind, session: m.session, at });
        q.setLiveness.run(next.online ? 1 : 0, next.session, next.since, m.cell);
        if (m.kind === 'birth')
          q.birthInfo.run(m.body.agentVersion, JSON.stringify(m.body.endpoints), m.cell);
        return;
      }
      case 'probe': {
        const p: LastProbe = {
          endpoint: m.body.endpoint,
          url: m.body.url,
          ok: m.body.ok,
          at: m.body.startedAt,
          durationMs: m.body.durationMs,
          diagnosis: m.body.diagnosis,
          findings: m.body.findings,
          steps: m.body.steps,
        };
        q.probe.run(
          m.id,
          m.cell,
          m.body.endpoint,
          m.body.startedAt,
          m.body.ok ? 1 : 0,
          m.body.diagnosis.code,
          JSON.stringify(m.body),
        );
        q.lastProbe.run(JSON.stringify(p), m.cell);
        if (m.body.server?.buildInfo) q.buildInfo.run(JSON.stringify(m.body.server.buildInfo), m.cell);
        return;
      }
      case 'health':
        q.health.run(JSON.stringify(m.body), m.cell);
        return;
      default:
        // Snapshot and action messages are recorded for idempotency here and handled by
        // their own services.
        return;
    }
  }

  return {
    enroll(e) {
      return turn(() => {
        q.enroll.run(
          e.id,
          e.site,
          e.line,
          e.cell,
          e.sisterGroup,
          e.secretHash,
          e.brokerHash ?? null,
          e.enrolledAt,
        );
        q.ensureState.run(e.id);
      });
    },
    getEnrollment(id) {
      return turn(() => {
        const r = q.enrollment.get(id) as Row | undefined;
        return r ? enrollmentOf(r) : undefined;
      });
    },
    listEnrollments() {
      return turn(() => {
        return (q.enrollments.all() as Row[]).map(enrollmentOf);
      });
    },
    ingest(batch, receivedAt) {
      return turn(() => {
        const fresh: Envelope[] = [];
        db.exec('BEGIN IMMEDIATE');
        try {
          for (const m of batch) {
            const stored = q.remember.run(m.id, m.cell, m.kind, m.seq, m.session, m.ts, receivedAt);
            if (Number(stored.changes) === 0) continue;
            apply(m, receivedAt);
            if (m.kind !== 'death') q.seen.run(receivedAt, m.cell);
            fresh.push(m);
          }
          db.exec('COMMIT');
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
        return { fresh };
      });
    },
    listCells() {
      return turn(() => {
        return (q.cells.all() as Row[]).map(summaryOf);
      });
    },
    getCell(id, probeLimit = 20) {
      return turn(() => {
        const r = q.cell.get(id) as Row | undefined;
        if (!r) return undefined;
        return detailOf(r, q.probes.all(id, probeLimit) as Row[]);
      });
    },
    countMessages(cellId) {
      return turn(() => {
        const rows = (
          cellId
            ? db
                .prepare('SELECT kind, COUNT(*) AS n FROM messages WHERE cell_id = ? GROUP BY kind')
                .all(cellId)
            : db.prepare('SELECT kind, COUNT(*) AS n FROM messages GROUP BY kind').all()
        ) as Array<{ kind: string; n: number }>;
        return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
      });
    },
    messageLog(cellId) {
      return turn(() => {
        const rows = db
          .prepare('SELECT id, seq, kind, session FROM messages WHERE cell_id = ? ORDER BY seq, id')
          .all(cellId) as Array<{ id: string; seq: number; kind: string; session: number }>;
        return rows.map((r) => ({ id: r.id, seq: Number(r.seq), kind: r.kind, session: Number(r.session) }));
      });
    },
    async close() {
      if (opts.ownsDb) await sql.close();
    },
  };
}
