// The certificate inventory as CSV for a spreadsheet or a renewal ticket: one line per
// certificate, its cells joined in one field. Every field goes through csvField (RFC 4180
// quoting, and a leading = + - @ neutralised: subjects come from servers).
import { csvField } from '../report/escape.ts';
import type { InventoryRow } from './certificates.ts';

const HEADER = [
  'thumbprint',
  'subject',
  'issuer',
  'application_uri',
  'not_before',
  'not_after',
  'days_left',
  'roles',
  'cell_count',
  'cells',
];

const iso = (ms: number) => new Date(ms).toISOString();

export function certificateCsv(rows: readonly InventoryRow[]): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    const cells = [...new Set(r.uses.map((u) => u.cell))];
    const fields = [
      r.thumbprint,
      r.subject,
      r.issuer ?? '',
      r.applicationUri ?? '',
      iso(r.notBefore),
      iso(r.notAfter),
      String(r.daysLeft),
      r.roles.join(' '),
      String(cells.length),
      cells.join(' '),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
