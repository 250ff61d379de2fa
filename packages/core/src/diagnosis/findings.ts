// Findings: things that are wrong or risky even when (or besides why) the connection works.
// Issue 3 names security-none-only, cert-hostname-mismatch and certificates expiring within
// 30 days; the session-headroom and URI checks come from research §2.3 A7 and B13.

import { daysLeft, hostInCertificate, validityAt } from './certs.ts';
import type { DiagnosisCode } from './codes.ts';
import type { CertificateEvidence, ProbeEvidence } from './evidence.ts';
import type { Verdict } from './rules.ts';

export interface FindingOptions {
  readonly now: number;
  readonly expiryWarningDays: number;
  /** Vendor pitfalls (pitfalls.ts): they win over a generic finding of the same code. */
  readonly extra?: readonly Verdict[];
}

export function findingVerdicts(ev: ProbeEvidence, primary: DiagnosisCode, opts: FindingOptions): Verdict[] {
  const out = [
    ...(opts.extra ?? []),
    noneOnly(ev),
    hostnameMismatch(ev),
    uriMismatch(ev),
    expiring('agent certificate', ev.agentCertificate, opts),
    expiring('server certificate', ev.serverCertificate, opts),
    unresolvableAdvertised(ev),
    sessionHeadroom(ev),
  ].filter((v): v is Verdict => v !== undefined);
  // One finding per code, never a repeat of the primary diagnosis.
  const seen = new Set<DiagnosisCode>([primary]);
  return out.filter((v) => !seen.has(v.code) && seen.add(v.code));
}

function noneOnly(ev: ProbeEvidence): Verdict | undefined {
  const eps = ev.endpoints ?? [];
  const secureOffered = eps.some((e) => e.securityMode !== 'None');
  if (eps.length > 0 && !secureOffered) {
    return {
      code: 'security-none-only',
      detail: 'the server offers no signed or encrypted endpoint',
      evidence: [],
    };
  }
  if (ev.chosen?.securityMode === 'None') {
    return {
      code: 'security-none-only',
      detail: 'None was used because allowSecurityNone is set',
      evidence: [],
    };
  }
  return undefined;
}

function hostnameMismatch(ev: ProbeEvidence): Verdict | undefined {
  const cert = ev.serverCertificate;
  if (!cert || !ev.host || hostInCertificate(cert, ev.host)) return undefined;
  const names = [...cert.dns, ...cert.ip].join(', ') || 'no names';
  return { code: 'cert-hostname-mismatch', detail: names, evidence: [`server certificate names: ${names}`] };
}

function uriMismatch(ev: ProbeEvidence): Verdict | undefined {
  const declared = ev.server?.applicationUri;
  const inCert = ev.serverCertificate?.applicationUri;
  if (!declared || !inCert || declared === inCert) return undefined;
  const detail = `server applicationUri ${declared}, certificate URI ${inCert}`;
  return { code: 'cert-uri-mismatch', detail, evidence: [detail] };
}

function expiring(
  label: string,
  cert: CertificateEvidence | undefined,
  o: FindingOptions,
): Verdict | undefined {
  if (!cert || validityAt(cert, o.now) !== 'valid') return undefined;
  const days = daysLeft(cert, o.now);
  if (days >= o.expiryWarningDays) return undefined;
  const detail = `${label} (${cert.thumbprint.slice(0, 8)}) expires in ${days} day${days === 1 ? '' : 's'}`;
  return { code: 'cert-expiring-soon', detail, evidence: [detail] };
}

function unresolvableAdvertised(ev: ProbeEvidence): Verdict | undefined {
  const bad = (ev.advertisedHosts ?? []).filter((h) => !h.resolvable).map((h) => h.host);
  if (bad.length === 0) return undefined;
  return { code: 'advertised-host-unresolvable', detail: bad.join(', '), evidence: [] };
}

function sessionHeadroom(ev: ProbeEvidence): Verdict | undefined {
  const c = ev.sessionCounts;
  if (c?.current === undefined || !c.max) return undefined;
  if (c.current < c.max - 1) return undefined;
  const detail = `${c.current} of ${c.max} sessions in use`;
  return { code: 'too-many-sessions', detail, evidence: [detail] };
}
