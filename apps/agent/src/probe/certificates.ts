// The local certificate rung (PRODUCT.md ladder step 4): the agent's own certificate and the
// server's, checked here, before a secure channel could fail for a less legible reason.
import type { CertificateEvidence, EndpointEvidence } from '@cellfleet/core';
import type { EndpointDescription } from 'node-opcua-client';
import { type CertificateInfo, readCertificateInfo } from '../pki/certificate-info.ts';

export function toCertificateEvidence(c: CertificateInfo): CertificateEvidence {
  return {
    thumbprint: c.thumbprint,
    subject: c.subject,
    issuer: c.issuer,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    dns: c.dns,
    ip: c.ip,
    ...(c.applicationUri ? { applicationUri: c.applicationUri } : {}),
  };
}

/**
 * EndpointDescription.serverCertificate may hold a chain (Part 4 §7.10: the leaf first, then
 * issuers, concatenated DER). Take the leaf by its DER length.
 */
export function leafCertificate(der: Buffer): Buffer {
  if (der.length < 4 || der[0] !== 0x30) return der;
  const lenByte = der[1] ?? 0;
  if (lenByte < 0x80) return der.subarray(0, 2 + lenByte);
  const n = lenByte & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (der[2 + i] ?? 0);
  return der.subarray(0, Math.min(der.length, 2 + n + len));
}

/** The server certificate of the chosen endpoint, or of any endpoint when none was chosen. */
export function serverCertificateOf(
  descriptions: readonly EndpointDescription[],
  chosen: EndpointEvidence | undefined,
): { der: Buffer; info: CertificateInfo } | undefined {
  const ordered = chosen
    ? [...descriptions].sort((a, b) => Number(matches(b, chosen)) - Number(matches(a, chosen)))
    : descriptions;
  for (const d of ordered) {
    const raw = d.serverCertificate;
    if (!raw || raw.length === 0) continue;
    try {
      const der = leafCertificate(raw);
      return { der, info: readCertificateInfo(der) };
    } catch {
      // Unparseable certificate bytes: try the next endpoint.
    }
  }
  return undefined;
}

function matches(d: EndpointDescription, e: EndpointEvidence): boolean {
  return d.endpointUrl === e.endpointUrl && d.securityPolicyUri?.endsWith(`#${e.securityPolicy}`) === true;
}
