// The append-only, hash-chained audit log (sha256), on SQLite or PostgreSQL. Triggers refuse
// UPDATE and DELETE, so only someone editing the database by hand can change history, and
// the chain shows it. Appends take the `audit` lock: on PostgreSQL several hub replicas share
// one chain, and two transactions must never both read the same head.
import { createHash } from 'node:crypto';
import {
  type AuditEntry,
  auditEntryHash,
  type ChainVerdict,
  chainVerifier,
  GENESIS_HASH,
  type Json,
} from '@cellfleet/core';
import type { Migrations, Sql } from '../db/sql.ts';

export const AUDIT_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE audit_log (
       seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, event TEXT NOT NULL,
       subject TEXT NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
     CREATE INDEX audit_log_subject ON audit_log (subject, seq);
     CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
     CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
  ],
  postgres: [
    `CREATE TABLE audit_log (
       seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, event TEXT NOT NULL,
       subject TEXT NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
     CREATE INDEX audit_log_subject ON audit_log (subject, seq);
     CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
     CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();`,
  ],
};

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
  append(input: AuditInput, at: number): Promise<AuditEntry>;
  list(options?: AuditQueryOptions): Promise<AuditEntry[]>;
  /** Every entry from the first, fetched a page at a time. */
  entries(): AsyncIterable<AuditEntry>;
  verify(expectedHead?: string): Promise<ChainVerdict>;
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
    seq: Number(r.seq),
    at: Number(r.at),
    actor: r.actor,
    event: r.event,
    subject: r.subject,
    data: JSON.parse(r.data) as Json,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

const PAGE = 1000;

export async function openAuditLog(sql: Sql): Promise<AuditLog> {
  await sql.migrate('audit', AUDIT_MIGRATIONS);
  const list = async ({ after = 0, limit = PAGE, subject }: AuditQueryOptions = {}) => {
    const rows = subject
      ? await sql.all<Row>('SELECT * FROM audit_log WHERE seq > ? AND subject = ? ORDER BY seq LIMIT ?', [
          after,
          subject,
          limit,
        ])
      : await sql.all<Row>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?', [after, limit]);
    return rows.map(toEntry);
  };
  async function* entries(): AsyncIterable<AuditEntry> {
    for (let after = 0; ; ) {
      const page = await list({ after, limit: PAGE });
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }
  return {
    append(input, at) {
      return sql.tx(async () => {
        await sql.lock('audit');
        const last = await sql.get<{ seq: number; hash: string }>(
          'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
        );
        const record = { ...input, data: input.data ?? null, seq: Number(last?.seq ?? 0) + 1, at };
        const prevHash = last?.hash ?? GENESIS_HASH;
        const hash = sha256Hex(auditEntryHash(prevHash, record));
        const { seq, actor, event, subject, data } = record;
        await sql.run(
          'INSERT INTO audit_log (seq, at, actor, event, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [seq, at, actor, event, subject, JSON.stringify(data), prevHash, hash],
        );
        return { ...record, prevHash, hash };
      });
    },
    list,
    entries,
    async verify(expectedHead) {
      const v = chainVerifier(sha256Hex);
      for await (const e of entries()) {
        const failed = v.add(e);
        if (failed) return failed;
      }
      return v.finish(expectedHead);
    },
  };
}

/** Every entry, in order (for exports, which are built whole anyway). */
export async function allEntries(audit: AuditLog): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of audit.entries()) out.push(e);
  return out;
}
