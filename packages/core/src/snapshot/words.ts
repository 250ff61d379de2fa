// Values and times in words for drift events and comparison reports.
import { canonicalJson, type Json } from '../canonical.ts';
import { isRedacted } from './types.ts';

const MAX_VALUE_CHARS = 80;

/** `6.16.1`, `true`, `[1,2,3]`, `(redacted)`, `(missing)`; long values are cut with an ellipsis. */
export function formatValue(value: Json | undefined): string {
  if (value === undefined) return '(missing)';
  if (isRedacted(value)) return value.fp ? `(redacted ${value.fp.slice(0, 8)})` : '(redacted)';
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-24 02:14 UTC`: the hub's timeline is UTC; a UI may localise. */
export function formatAt(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}
