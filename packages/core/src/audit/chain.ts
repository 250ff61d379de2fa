// Hash-chained audit log: each entry's hash covers the previous entry's hash, so editing,
// deleting or reordering a row breaks the chain from that row on. Hashing itself (sha256)
// happens at the edge; this module defines exactly which bytes are hashed.
import { canonicalJson, type Json } from '../canonical.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  /** 1, 2, 3… without gaps. */
  readonly seq: number;
  readonly at: number;
  /** User name, `agent:<cell>`, or `system`. */
  readonly actor: string;
  /** Dotted event name, e.g. `action.approved`, `action.approve-refused`. */
  readonly event: string;
  /** What the event is about, e.g. `action:<id>`, `user:<name>`. */
  readonly subject: string;
  readonly data: Json;
}

export interface AuditEntry extends AuditRecord {
  readonly prevHash: string;
  readonly hash: string;
}

/** The string to hash for an entry: canonical JSON, so key order and spacing cannot matter. */
export function auditEntryHash(prevHash: string, entry: AuditRecord): string {
  const { seq, at, actor, event, subject, data } = entry;
  return canonicalJson({ prev: prevHash, seq, at, actor, event, subject, data });
}

export type ChainVerdict =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; head: string; seq: number; reason: string };

export interface ChainVerifier {
  /** Checks the next entry; returns the failure verdict at the first bad one. */
  add(entry: AuditEntry): ChainVerdict | undefined;
  /** The verdict after the last entry; `expectedHead` catches rows cut off the end. */
  finish(expectedHead?: string): ChainVerdict;
}

/** Verifies a chain one entry at a time, so a store can feed it page by page. */
export function chainVerifier(hashFn: (input: string) => string): ChainVerifier {
  let prev = GENESIS_HASH;
  let count = 0;
  const fail = (seq: number, reason: string): ChainVerdict => ({ ok: false, count, head: prev, seq, reason });
  return {
    add(e) {
      const expectedSeq = count + 1;
      if (e.seq !== expectedSeq)
        return fail(e.seq, `expected row ${expectedSeq} but found row ${e.seq}: rows deleted or reordered`);
      if (e.prevHash !== prev)
        return fail(e.seq, 'previous-hash link broken: a row before it was changed or removed');
      if (hashFn(auditEntryHash(e.prevHash, e)) !== e.hash)
        return fail(e.seq, 'content does not match its hash: row edited');
      prev = e.hash;
      count++;
      return undefined;
    },
    finish(expectedHead) {
      if (expectedHead !== undefined && expectedHead !== prev)
        return fail(
          count,
          `head ${prev.slice(0, 12)}… differs from the expected ${expectedHead.slice(0, 12)}…: rows cut off the end`,
        );
      return { ok: true, count, head: prev };
    },
  };
}

/**
 * Walks the chain from the genesis. `expectedHead` (a head hash recorded elsewhere, e.g. in a
 * report or a ticket) also catches rows cut off the end, which no chain can show by itself.
 */
export function verifyChain(
  entries: Iterable<AuditEntry>,
  hashFn: (input: string) => string,
  expectedHead?: string,
): ChainVerdict {
  const v = chainVerifier(hashFn);
  for (const e of entries) {
    const failed = v.add(e);
    if (failed) return failed;
  }
  return v.finish(expectedHead);
}
