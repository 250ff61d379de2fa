// The action ledger: one row per admitted action id, in SQLite beside the outbox. It is what
// makes an action run at most once across restarts (issue 5 item 4): an id is recorded before
// anything is touched, the rollback point is stored before the first change, and a row that is
// not `finished` after a restart is an interrupted action to verify, never to run again.
// Refused actions are not recorded: a forged message naming a real id must not burn that id.
import { DatabaseSync } from 'node:sqlite';
import type { ActionResultBody, SignedAction } from '@cellfleet/protocol';

/**
 * admitted → snapshotted (rollback point stored) → executing (changes under way) → finished.
 * `deferred` (cell locked) is the only state that lets the same id in again.
 */
export type LedgerState = 'admitted' | 'deferred' | 'snapshotted' | 'executing' | 'finished';

export interface LedgerEntry {
  readonly id: string;
  readonly state: LedgerState;
  readonly action: SignedAction;
  /** The rollback point, as the step that took it wrote it (JSON). */
  readonly snapshot: unknown;
  readonly result: ActionResultBody | null;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** The digest of the envelope admitted (null in rows written before it was kept). */
  readonly envelopeDigest: string | null;
}

export interface Ledger {
  /** True when the id is known in any state but `deferred`: it must not run again. */
  has(id: string): boolean;
  get(id: string): LedgerEntry | undefined;
  /** Records an admitted action (or re-admits a deferred one) before anything is touched. */
  admit(action: SignedAction, now: number, envelopeDigest?: string): void;
  defer(id: string, now: number): void;
  saveSnapshot(id: string, snapshot: unknown, now: number): void;
  markExecuting(id: string, now: number): void;
  finish(id: string, result: ActionResultBody, now: number): void;
  /** Rows a crash left behind: admitted, snapshotted or executing. */
  interrupted(): LedgerEntry[];
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS ledger (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, action TEXT NOT NULL, snapshot TEXT,
    result TEXT, started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
`;

interface Row {
  id: string;
  state: LedgerState;
  action: string;
  snapshot: string | null;
  result: string | null;
  started_at: number;
  updated_at: number;
  envelope_digest: string | null;
}

const toEntry = (r: Row): LedgerEntry => ({
  id: r.id,
  state: r.state,
  action: JSON.parse(r.action) as SignedAction,
  snapshot: r.snapshot === null ? null : (JSON.parse(r.snapshot) as unknown),
  result: r.result === null ? null : (JSON.parse(r.result) as ActionResultBody),
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  envelopeDigest: r.envelope_digest ?? null,
});

export function openLedger(path: string): Ledger {
  const db = new DatabaseSync(path);
  // FULL: the rollback point must be on disk before the first write to the server.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  db.exec(SCHEMA);
  // Ledgers written before issue 12 lack the column; adding it keeps their rows.
  const columns = db.prepare('PRAGMA table_info(ledger)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'envelope_digest'))
    db.exec('ALTER TABLE ledger ADD COLUMN envelope_digest TEXT');
  const row = (id: string) => db.prepare('SELECT * FROM ledger WHERE id = ?').get(id) as Row | undefined;
  const setState = (id: string, state: LedgerState, now: number) =>
    db.prepare('UPDATE ledger SET state = ?, updated_at = ? WHERE id = ?').run(state, now, id);

  return {
    has(id) {
      const r = row(id);
      return r !== undefined && r.state !== 'deferred';
    },
    get(id) {
      const r = row(id);
      return r ? toEntry(r) : undefined;
    },
    admit(action, now, envelopeDigest) {
      db.prepare(
        `INSERT INTO ledger (id, state, action, started_at, updated_at, envelope_digest)
           VALUES (?, 'admitted', ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = 'admitted', action = excluded.action,
           started_at = excluded.started_at, updated_at = excluded.updated_at,
           envelope_digest = excluded.envelope_digest
         WHERE ledger.state = 'deferred'`,
      ).run(action.id, JSON.stringify(action), now, now, envelopeDigest ?? null);
    },
    defer: (id, now) => setState(id, 'deferred', now),
    saveSnapshot(id, snapshot, now) {
      db.prepare("UPDATE ledger SET state = 'snapshotted', snapshot = ?, updated_at = ? WHERE id = ?").run(
        JSON.stringify(snapshot ?? null),
        now,
        id,
      );
    },
    markExecuting: (id, now) => setState(id, 'executing', now),
    finish(id, result, now) {
      db.prepare("UPDATE ledger SET state = 'finished', result = ?, updated_at = ? WHERE id = ?").run(
        JSON.stringify(result),
        now,
        id,
      );
    },
    interrupted() {
      const rows = db
        .prepare(
          "SELECT * FROM ledger WHERE state IN ('admitted', 'snapshotted', 'executing') ORDER BY started_at",
        )
        .all() as unknown as Row[];
      return rows.map(toEntry);
    },
    close: () => db.close(),
  };
}
