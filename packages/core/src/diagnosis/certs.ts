// Certificate facts the rules need: validity against a clock, and whether a host is named in
// a certificate's SAN (node-opcua never checks the host itself, research §2.3 B11).
import type { CertificateEvidence } from './evidence.ts';

export type Validity = 'valid' | 'expired' | 'not-yet-valid';

export function validityAt(cert: CertificateEvidence, at: number): Validity {
  if (at < cert.notBefore) return 'not-yet-valid';
  if (at > cert.notAfter) return 'expired';
  return 'valid';
}

const DAY = 86_400_000;

export function daysLeft(cert: CertificateEvidence, now: number): number {
  return Math.floor((cert.notAfter - now) / DAY);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function describeValidity(label: string, cert: CertificateEvidence, now: number): string {
  const v = validityAt(cert, now);
  const window = `${iso(cert.notBefore)} → ${iso(cert.notAfter)}`;
  if (v === 'valid') return `${label} valid ${window}`;
  return `${label} ${v === 'expired' ? 'expired' : 'not yet valid'}: ${window}, now ${iso(now)}`;
}

/** True when the dialled host is one of the SAN dNSName or iPAddress entries. */
export function hostInCertificate(cert: CertificateEvidence, host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (cert.dns.some((d) => d.toLowerCase() === h || wildcardMatch(d.toLowerCase(), h))) return true;
  return cert.ip.some((ip) => normaliseIp(ip) === h);
}

function wildcardMatch(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return false;
  const rest = host.slice(host.indexOf('.') + 1);
  return host.includes('.') && rest === pattern.slice(2);
}

/** Accepts `127.0.0.1`, and hex `7f000001` as node-opcua-crypto reports it (research §2.3 B11). */
function normaliseIp(ip: string): string {
  if (/^[0-9a-f]{8}$/i.test(ip)) {
    return [0, 2, 4, 6].map((i) => Number.parseInt(ip.slice(i, i + 2), 16)).join('.');
  }
  return ip.toLowerCase();
}
