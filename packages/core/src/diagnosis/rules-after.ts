// Verdicts when every rung passed: the session works, yet the server or the device behind it
// may still be wrong (Part 5 §12.6 ServerState; research §2.3 D20 on vendor health tags).
import type { ProbeEvidence } from './evidence.ts';
import type { RuleOptions, Verdict } from './rules.ts';

export function afterSession(ev: ProbeEvidence, opts: RuleOptions): Verdict {
  if (ev.serverState !== undefined && ev.serverState !== 'Running') {
    return { code: 'server-busy', detail: `ServerStatus.State = ${ev.serverState}`, evidence: [] };
  }
  const offset = ev.clockOffsetMs;
  if (offset !== undefined && Math.abs(offset) > opts.clockSkewThresholdMs) {
    return {
      code: 'clock-skew',
      detail: describeOffset(offset),
      evidence: [`server clock offset ${offset} ms`],
    };
  }
  const unresolvable = (ev.advertisedHosts ?? []).filter((h) => !h.resolvable);
  if (unresolvable.length > 0) {
    const names = unresolvable.map((h) => h.host).join(', ');
    return {
      code: 'advertised-host-unresolvable',
      detail: names,
      evidence: [`advertised hosts not resolvable: ${names}`],
    };
  }
  const down = downDevices(ev, opts.now);
  if (down.length > 0) {
    return {
      code: 'device-not-communicating',
      detail: down.slice(0, 3).join('; '),
      evidence: down,
      vars: { device: firstDevice(ev) ?? '(the device)' },
    };
  }
  return { code: 'ok', detail: '', evidence: [] };
}

/** Vendor signals first (they name the device), then devices only tag quality speaks for. */
function badSignals(ev: ProbeEvidence) {
  const bad = (ev.deviceHealth ?? []).filter((d) => d.bad);
  const vendor = bad.filter((d) => d.source !== 'tag-quality');
  const named = new Set(vendor.map((d) => d.device));
  return [...vendor, ...bad.filter((d) => d.source === 'tag-quality' && !named.has(d.device))];
}

function firstDevice(ev: ProbeEvidence): string | undefined {
  return badSignals(ev)[0]?.device;
}

/** `Channel1/Device1: Kepware device _System._Error = true, since 11:56:00 UTC (4 min ago)`. */
function downDevices(ev: ProbeEvidence, now: number): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const d of badSignals(ev)) {
    const key = `${d.device ?? d.node}|${d.source}`;
    if (seen.has(key) && d.source === 'tag-quality') continue;
    seen.add(key);
    const what =
      d.value === undefined ? `${d.label ?? d.node} [${d.status}]` : `${d.label ?? d.node} = ${d.value}`;
    const text = d.text ? ` "${d.text}"` : '';
    const since = d.since === undefined ? '' : `, since ${describeSince(d.since, now)}`;
    lines.push(`${d.device ?? d.node}: ${what}${text}${since}`);
  }
  return lines;
}

export function describeSince(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const clock = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  const s = Math.max(0, Math.round((now - at) / 1000));
  const ago = s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
  return `${clock} (${ago} ago)`;
}

export function describeOffset(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const text = s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
  return `${text} (server ${ms > 0 ? 'ahead' : 'behind'})`;
}
