// The append-only, hash-chained audit log (SQLite, sha256). Triggers refuse UPDATE and
// DELETE, so only someone editing the file by hand can change history, and the chain shows it.
import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import {
  type AuditEntry,
  auditEntryHash,
  type ChainVerdict,
  GENESIS_HASH,
  type Json,
  verifyChain,
} from '@cellfleet/core';
import { migrate } from '../store/migrate.ts';
import { transaction } from './tx.ts';

export const AUDIT_MIGRATIONS = [
  `CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, event TEXT NOT NULL,
     subject TEXT NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
   CREATE INDEX audit_log_subject ON audit_log (subject, seq);
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
];

export const sha256Hex = (input: string): string => createHash('sha256').update(input, 'utf8').digest('hex');

export interface AuditInput {
  readonly actor: string;
  readonly event: string;
  readonly subject: string;
  readonly data?: Json;
}

export interface AuditQueryOptions {
  readonly after?: number;
  readonly limit?: number;
  readonly subject?: string;
}

export interface AuditLog {
  /** Appends inside the caller's transaction when there is one, so it commits with the change. */
  append(input: AuditInput, at: number): AuditEntry;
  list(options?: AuditQueryOptions): AuditEntry[];
  entries(): Iterable<AuditEntry>;
  verify(expectedHead?: string): ChainVerdict;
}

interface Row {
  seq: number;
  at: number;
  actor: string;
  event: string;
  subject: string;
  data: string;
  prev_hash: string;
  hash: string;
}

function toEntry(r: Row): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    event: r.event,
    subject: r.subject,
    data: JSON.parse(r.data) as Json,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function createAuditLog(db: DatabaseSync): AuditLog {
  migrate(db, 'audit', AUDIT_MIGRATIONS);
  const head = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(
    'INSERT INTO audit_log (seq, at, actor, event, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    append(input, at) {
      return transaction(db, () => {
        const last = head.get() as { seq: number; hash: string } | undefined;
        const record = { ...input, data: input.data ?? null, seq: (last?.seq ?? 0) + 1, at };
        const prevHash = last?.hash ?? GENESIS_HASH;
        const hash = sha256Hex(auditEntryHash(prevHash, record));
        const { seq, actor, event, subject, data } = record;
        insert.run(seq, at, actor, event, subject, JSON.stringify(data), prevHash, hash);
        return { ...record, prevHash, hash };
      });
    },
    list({ after = 0, limit = 1000, subject } = {}) {
      const rows = subject
        ? db
            .prepare('SELECT * FROM audit_log WHERE seq > ? AND subject = ? ORDER BY seq LIMIT ?')
            .all(after, subject, limit)
        : db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit);
      return (rows as unknown as Row[]).map(toEntry);
    },
    *entries() {
      for (const row of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate())
        yield toEntry(row as unknown as Row);
    },
    verify(expectedHead) {
      return verifyChain(this.entries(), sha256Hex, expectedHead);
    },
  };
}
