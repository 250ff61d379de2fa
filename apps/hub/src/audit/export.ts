// Audit export: JSON Lines (one entry per line, lossless) and CSV (RFC 4180) for spreadsheets.
import type { AuditEntry } from '@cellfleet/core';

export function toJsonl(entries: Iterable<AuditEntry>): string {
  let out = '';
  for (const e of entries) out += `${JSON.stringify(e)}\n`;
  return out;
}

const CSV_COLUMNS = ['seq', 'at', 'time', 'actor', 'event', 'subject', 'data', 'prevHash', 'hash'] as const;

function csvField(value: string): string {
  // Quote everything that could break a row; a leading = + - @ is neutralised so a
  // spreadsheet does not evaluate it as a formula (OWASP "CSV injection").
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(entries: Iterable<AuditEntry>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) {
    const row = [String(e.seq), String(e.at), new Date(e.at).toISOString(), e.actor, e.event, e.subject];
    row.push(JSON.stringify(e.data), e.prevHash, e.hash);
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
