// Reads what a field tech needs from an X.509 certificate, with node:crypto only.
// The thumbprint is the SHA-1 of the DER, the value Kepware's OPC UA Configuration Manager
// and Ignition's Security page show next to each certificate (research §2.3 B8).
import { createHash, X509Certificate } from 'node:crypto';

export interface CertificateInfo {
  /** SHA-1 of the DER, lowercase hex without separators. */
  readonly thumbprint: string;
  readonly subject: string;
  /** The issuer's distinguished name (the subject again for a self-signed certificate). */
  readonly issuer: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly applicationUri?: string;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly der: Buffer;
}

export function thumbprintOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex');
}

/** Same thumbprint, as the vendors print it: upper case pairs joined by colons. */
export function formatThumbprint(thumbprint: string): string {
  return (thumbprint.toUpperCase().match(/.{2}/g) ?? []).join(':');
}

/** Normalises user input (`AB:CD`, `ab cd`, `abcd`) for prefix matching. */
export function normaliseThumbprint(input: string): string {
  return input.toLowerCase().replace(/[^0-9a-f]/g, '');
}

export function readCertificateInfo(pemOrDer: Buffer | string): CertificateInfo {
  const x = new X509Certificate(pemOrDer);
  const san = parseSubjectAltName(x.subjectAltName ?? '');
  const info: CertificateInfo = {
    thumbprint: thumbprintOf(x.raw),
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
    dns: san.dns,
    ip: san.ip,
    der: x.raw,
  };
  return san.uri[0] === undefined ? info : { ...info, applicationUri: san.uri[0] };
}

/** `DNS:a, URI:urn:x, IP Address:127.0.0.1` → lists; Node quotes entries holding commas. */
function parseSubjectAltName(text: string): { dns: string[]; ip: string[]; uri: string[] } {
  const out = { dns: [] as string[], ip: [] as string[], uri: [] as string[] };
  for (const raw of text.split(/,\s*(?=(?:DNS|URI|IP Address|email|DirName|othername|Registered ID):)/)) {
    const entry = raw.trim().replace(/^"|"$/g, '');
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const kind = entry.slice(0, colon);
    const value = entry.slice(colon + 1);
    if (kind === 'DNS') out.dns.push(value);
    else if (kind === 'URI') out.uri.push(value);
    else if (kind === 'IP Address') out.ip.push(value);
  }
  return out;
}
