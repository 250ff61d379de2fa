// Escaping for the report formats. Every value in a report comes from a server or a user,
// so nothing is written unescaped.
import type { Json } from '../canonical.ts';
import { formatValue } from '../snapshot/words.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** RFC 4180: quote when needed, double inner quotes. A leading =+-@ is prefixed with ' so a
 * spreadsheet does not evaluate a value from a server as a formula (OWASP CSV injection). */
export function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

export function valueText(value: Json | undefined): string {
  return formatValue(value);
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function isoMinute(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}
