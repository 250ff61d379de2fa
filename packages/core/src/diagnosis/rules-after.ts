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
  const bad = (ev.deviceHealth ?? []).filter((d) => d.bad);
  if (bad.length > 0) {
    const lines = bad.map((d) => `${d.node} = ${d.value ?? '(no value)'} [${d.status}]`);
    return { code: 'device-not-communicating', detail: lines.slice(0, 3).join('; '), evidence: lines };
  }
  return { code: 'ok', detail: '', evidence: [] };
}

export function describeOffset(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const text = s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
  return `${text} (server ${ms > 0 ? 'ahead' : 'behind'})`;
}
