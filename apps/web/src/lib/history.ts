// One cell's history as pictures (issue 16, item 2): the stored probes and liveness folded
// into a coloured strip of states over the range, and per-step latency series for the chart.
import type { CellHistoryView, HistoryProbe } from '@cellfleet/protocol';

export type StripState = 'ok' | 'fault' | 'offline' | 'unknown';
export interface Segment {
  readonly from: number;
  readonly to: number;
  readonly state: StripState;
  /** The diagnosis code of a fault segment. */
  readonly code?: string;
}

/** Which probes a series follows: one endpoint, as the agent itself or as one cell client. */
export const sourceOf = (p: HistoryProbe): string => (p.client ? `${p.endpoint} as ${p.client}` : p.endpoint);

/**
 * The strip: offline wherever the agent was offline, else the state of the last probe of each
 * source (any failing source faults the cell, as on the fleet page); unknown before anything is
 * known. Neighbouring segments of the same state and code are merged.
 */
export function stateSegments(h: Pick<CellHistoryView, 'from' | 'to' | 'probes' | 'liveness'>): Segment[] {
  type Event = { at: number; apply: () => void };
  const failing = new Map<string, string>();
  const known = new Set<string>();
  let online: boolean | undefined;
  const events: Event[] = [
    ...h.liveness.map((l) => ({
      at: l.at,
      apply: () => {
        online = l.online;
      },
    })),
    ...h.probes.map((p) => ({
      at: p.at,
      apply: () => {
        known.add(sourceOf(p));
        if (p.ok) failing.delete(sourceOf(p));
        else failing.set(sourceOf(p), p.code);
        if (online === undefined) online = true; // a probe was sent: the agent was up
      },
    })),
  ].sort((a, b) => a.at - b.at);
  const current = (): Omit<Segment, 'from' | 'to'> => {
    if (online === false) return { state: 'offline' };
    const code = failing.values().next().value;
    if (code !== undefined) return { state: 'fault', code };
    return { state: known.size > 0 ? 'ok' : 'unknown' };
  };
  const out: Segment[] = [];
  const push = (from: number, to: number) => {
    if (to <= from) return;
    const s = current();
    const last = out[out.length - 1];
    if (last && last.state === s.state && last.code === s.code && last.to === from)
      out[out.length - 1] = { ...last, to };
    else out.push({ from, to, ...s });
  };
  let at = h.from;
  for (const e of events) {
    const t = Math.min(Math.max(e.at, h.from), h.to);
    push(at, t);
    at = t;
    e.apply();
  }
  push(at, h.to);
  return out;
}

/** Per source: x (s since epoch) and one series of milliseconds per ladder step name. */
export function stepSeries(probes: readonly HistoryProbe[], source: string) {
  const mine = probes.filter((p) => sourceOf(p) === source);
  const names: string[] = [];
  for (const p of mine) for (const s of p.steps) if (!names.includes(s.name)) names.push(s.name);
  return {
    names,
    x: mine.map((p) => p.at / 1000),
    ys: names.map((n) => mine.map((p) => p.steps.find((s) => s.name === n)?.ms ?? null)),
  };
}
