// What a Kepware event log says about refused client certificates (issue 17), from the entries
// `GET /config/v1/event_log` returns. Pure: entries in, evidence out.
//
// What is certain and what is not:
// - Certain (PTC's Python SDK `kepconfig/connection.py`, PTC's API examples): the route, HTTP
//   Basic against Kepware's User Manager, and the query `limit` (default 100 entries) with
//   `start`/`end` as `YYYY-MM-DDTHH:mm:ss.sss` in UTC.
// - Less sure (one third-party integration reads them so; PTC's reference page was not found):
//   the body is a JSON array of entries with `timestamp`, `event` (Information, Warning, Error,
//   Security), `source` and `message`. Other shapes are refused as "not an event log".
// - Uncertain (research opcua-diagnosis.md §8, from the OPC UA Configuration Manager's message
//   list): the text "The UA Client certificate '<name>' has been rejected. The server cannot
//   accept connections from the client." and "... has been trusted ...". Which name Kepware
//   writes there is not documented; core's eventNamesClient() accepts the certificate's common
//   name, its application URI and the client's label or config name. Other wordings with
//   "certificate" and "rejected"/"untrusted" are read too; a 40-digit hex thumbprint in the
//   entry, if ever present, decides the match instead.
import type { RejectedEventEvidence } from '@cellfleet/core';

export interface KepwareEntry {
  readonly timestamp: string;
  readonly event?: string;
  readonly source?: string;
  readonly message: string;
}

/** The entries that have the fields this reader needs; others are skipped. */
export function validEntries(body: unknown[]): KepwareEntry[] {
  const entries: KepwareEntry[] = [];
  for (const e of body) {
    if (typeof e !== 'object' || e === null) continue;
    const r = e as Record<string, unknown>;
    if (typeof r['timestamp'] !== 'string' || typeof r['message'] !== 'string') continue;
    entries.push({
      timestamp: r['timestamp'].slice(0, 64),
      message: r['message'].slice(0, 2048),
      ...(typeof r['event'] === 'string' ? { event: r['event'].slice(0, 64) } : {}),
      ...(typeof r['source'] === 'string' ? { source: r['source'].slice(0, 128) } : {}),
    });
  }
  return entries;
}

/** Kepware's `2026-12-05T02:04:00.000` is UTC without a zone; one with a zone is taken as written. */
export function entryTime(timestamp: string): number | undefined {
  const t = timestamp.trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)?$/.test(t)) return undefined;
  const at = Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(t) ? t : `${t}Z`);
  return Number.isFinite(at) ? at : undefined;
}

const NAMED = /certificate\s+(?:'([^']{1,256})'|"([^"]{1,256})")/i;
const REJECTED = /\b(rejected|untrusted|not trusted|distrusted)\b/i;
const TRUSTED = /\bhas been trusted\b|\bis now trusted\b/i;
const THUMBPRINT = /\b([0-9a-f]{40})\b/i;

/**
 * Certificates still refused at the end of the entries: for each name, the first rejection
 * after its last "trusted" line. Order does not matter (sorted by time here).
 */
export function rejectionsFrom(entries: readonly KepwareEntry[]): RejectedEventEvidence[] {
  const timed = entries
    .map((e) => ({ e, at: entryTime(e.timestamp) }))
    .filter((x): x is { e: KepwareEntry; at: number } => x.at !== undefined)
    .sort((a, b) => a.at - b.at);
  const open = new Map<string, RejectedEventEvidence>();
  for (const { e, at } of timed) {
    const m = NAMED.exec(e.message);
    const name = (m?.[1] ?? m?.[2])?.trim();
    if (!name) continue;
    const key = name.toLowerCase();
    if (TRUSTED.test(e.message)) {
      open.delete(key);
      continue;
    }
    if (!REJECTED.test(e.message)) continue;
    const before = open.get(key);
    const thumbprint = THUMBPRINT.exec(e.message)?.[1]?.toLowerCase();
    open.set(key, {
      certificate: name,
      since: before?.since ?? at,
      lastSeen: at,
      source: e.source ?? '',
      message: e.message.slice(0, 512),
      ...(thumbprint ? { thumbprint } : {}),
    });
  }
  return [...open.values()].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, 32);
}
