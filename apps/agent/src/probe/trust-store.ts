// The trust-store watch (issue 17): the server's rejected-certificates folder, when it lives on
// this machine, read at every probe. A file's time says when the server rejected the client
// ("since 02:04"); every file is parsed, never trusted, and a stray or broken file is skipped.
// Only public certificates are read here; a folder with thousands of files is capped.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateEvidence, ClientEvidence, RejectedCertificateEvidence } from '@cellfleet/core';
import type { ClientConfig, EndpointConfig } from '@cellfleet/protocol';
import { readCertificateInfo } from '../pki/certificate-info.ts';
import { toCertificateEvidence } from './certificates.ts';

/** At most this many rejected certificates are read and reported, newest first. */
export const MAX_REJECTED = 32;
const MAX_FILE_BYTES = 64 * 1024;

/** The folder's certificates (node-opcua keeps them in `rejected/` or `rejected/certs/`). */
export function readRejected(dir: string): RejectedCertificateEvidence[] {
  const files = [...listCertFiles(dir), ...listCertFiles(join(dir, 'certs'))];
  const out: RejectedCertificateEvidence[] = [];
  for (const f of files.sort((a, b) => b.at - a.at).slice(0, MAX_REJECTED * 2)) {
    try {
      const c = readCertificateInfo(readFileSync(f.path));
      if (out.some((o) => o.thumbprint === c.thumbprint)) continue;
      out.push({
        thumbprint: c.thumbprint,
        subject: c.subject,
        notBefore: c.notBefore,
        notAfter: c.notAfter,
        firstSeen: f.at,
        ...(c.applicationUri ? { applicationUri: c.applicationUri } : {}),
      });
    } catch {
      // Not a certificate: a server's folder may hold anything; it is not evidence.
    }
  }
  return out.slice(0, MAX_REJECTED);
}

function listCertFiles(dir: string): { path: string; at: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { path: string; at: number }[] = [];
  for (const name of names.slice(0, 10_000)) {
    if (!/\.(der|pem|crt|cer)$/i.test(name)) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
      // The earlier of birth and modification: when the server wrote it.
      const born = st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
      out.push({ path, at: Math.round(Math.min(born, st.mtimeMs)) });
    } catch {
      // Gone between the listing and the stat.
    }
  }
  return out;
}

/** A client's public certificate as evidence; undefined when the file cannot be read. */
export function clientCertificate(c: ClientConfig): CertificateEvidence | undefined {
  try {
    return toCertificateEvidence(readCertificateInfo(readFileSync(c.certificate)));
  } catch {
    return undefined;
  }
}

/** Whether the client's key can be read now (it is only ever handed to node-opcua). */
export function keyReadable(c: ClientConfig): boolean {
  if (c.privateKey === undefined) return false;
  try {
    return statSync(c.privateKey).isFile();
  } catch {
    return false;
  }
}

export function clientEvidence(c: ClientConfig): ClientEvidence {
  const certificate = clientCertificate(c);
  return {
    name: c.name,
    securityPolicy: c.securityPolicy,
    securityMode: c.securityMode,
    userTokenType: c.userTokenType,
    keyAvailable: certificate !== undefined && keyReadable(c),
    ...(c.label ? { label: c.label } : {}),
    ...(c.vendor ? { vendor: c.vendor } : {}),
    ...(certificate ? { certificate } : {}),
  };
}

/** The endpoint's listed clients with their thumbprints, and its rejected folder, as evidence. */
export function trustStoreEvidence(endpoint: EndpointConfig): {
  listedClients?: {
    name: string;
    label?: string;
    thumbprint: string;
    subject: string;
    applicationUri?: string;
  }[];
  serverRejected?: RejectedCertificateEvidence[];
} {
  const listed = (endpoint.clients ?? []).flatMap((c) => {
    const cert = clientCertificate(c);
    return cert
      ? [
          {
            name: c.name,
            thumbprint: cert.thumbprint,
            subject: cert.subject,
            ...(cert.applicationUri ? { applicationUri: cert.applicationUri } : {}),
            ...(c.label ? { label: c.label } : {}),
          },
        ]
      : [];
  });
  return {
    ...(listed.length > 0 ? { listedClients: listed } : {}),
    ...(endpoint.rejectedCertificatesDir
      ? { serverRejected: readRejected(endpoint.rejectedCertificatesDir) }
      : {}),
  };
}
