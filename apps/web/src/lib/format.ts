// Plain-words formatting shared by the views: times relative to now, cell states, severities.
import type { CellSummary, Severity } from '@cellfleet/protocol';

export function ago(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return 'never';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** For a duration since an instant: "for 3 min". */
export function since(at: number | null | undefined, now: number): string {
  const text = ago(at, now);
  return text === 'never' ? '' : text === 'just now' ? 'just now' : `for ${text.replace(' ago', '')}`;
}

export function clock(at: number | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** An agent clock's skew against the hub's (CellSummary.clockSkewMs): "3 h ahead of". */
export function skew(skewMs: number): string {
  const word = skewMs > 0 ? 'ahead of' : 'behind';
  const text = ago(0, Math.abs(skewMs)).replace(' ago', '');
  return `${text} ${word}`;
}

export function ms(v: number): string {
  return v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** The one state a cell is shown in: the worst thing that is true of it. */
export const CELL_STATES = ['offline', 'fault', 'warning', 'ok', 'waiting', 'never'] as const;
export type CellState = (typeof CELL_STATES)[number];

export const STATE_LABEL: Record<CellState, string> = {
  offline: 'Offline',
  fault: 'Faulted',
  warning: 'Warning',
  ok: 'Healthy',
  waiting: 'No probe yet',
  never: 'Never reported',
};

export function cellState(c: CellSummary): CellState {
  if (c.lastSeen === null) return 'never';
  if (!c.online) return 'offline';
  const p = c.lastProbe;
  if (!p) return 'waiting';
  if (!p.ok || p.diagnosis.severity === 'error' || p.diagnosis.severity === 'critical') return 'fault';
  if (p.diagnosis.severity === 'warning' || p.findings.some((f) => f.severity === 'warning'))
    return 'warning';
  return 'ok';
}

export const SEVERITY_CLASS: Record<Severity, string> = {
  ok: 'ok',
  info: 'info',
  warning: 'warning',
  error: 'fault',
  critical: 'fault',
};

export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A snapshot value as one line: strings as they are, anything else as JSON; `(missing)` when absent. */
export function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Since when an unhealthy cell has been what it is (issue 16): offline since its agent's last
 * death, faulted since its headline probe started failing (both kept by the hub, so they
 * survive a restart); null for a healthy cell.
 */
export function unhealthySince(c: CellSummary, state: CellState): number | null {
  if (state === 'offline') return c.since;
  if (state === 'fault') return c.lastProbe?.failingSince ?? c.lastProbe?.at ?? null;
  return null;
}

/** "14:03" today, "12-03 14:03" another day: short enough for a table cell. */
export function shortClock(at: number, now: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return new Date(now).toDateString() === d.toDateString()
    ? hm
    : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}
