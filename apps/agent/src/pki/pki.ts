// The agent's own OPC UA PKI: one folder holding own/ trusted/ rejected/ issuers/.
// The application certificate is created once and then reused, because every new
// certificate has to be trusted again by hand on every Kepware and Ignition server
// (research §0.9, node-red-contrib-opcua #386). Unknown server certificates are never
// accepted automatically: they land in rejected/ until `cellfleet-agent trust` (or
// trust-on-first-use, configured per endpoint) moves them to trusted/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { type CertificateInfo, normaliseThumbprint, readCertificateInfo } from './certificate-info.ts';

export interface AgentPkiOptions {
  /** The PKI folder; created when missing. */
  readonly dir: string;
  /** Used only when the certificate is created; an existing certificate keeps its URI. */
  readonly applicationUri?: string;
  readonly applicationName?: string;
  /** Tests and short-lived CLI runs need no live folder watching. */
  readonly disableFileWatchers?: boolean;
  /** For tests of expired or not-yet-valid agent certificates. */
  readonly certificateValidity?: { readonly startDate: Date; readonly days: number };
}

export type TrustStatus = 'trusted' | 'rejected' | 'unknown';

export interface AgentPki {
  readonly dir: string;
  readonly certificateManager: OPCUACertificateManager;
  readonly certificateFile: string;
  readonly privateKeyFile: string;
  readonly applicationUri: string;
  readonly applicationName: string;
  /** The agent's own certificate, as servers will see it. */
  readonly certificate: CertificateInfo;
  trustStatus(der: Buffer): TrustStatus;
  trust(der: Buffer): Promise<void>;
  /** Records a server certificate in rejected/ so `trust` can list it later. */
  reject(der: Buffer): Promise<void>;
  listRejected(): CertificateInfo[];
  listTrusted(): CertificateInfo[];
  dispose(): Promise<void>;
}

/** Where `run` keeps its PKI: `trust --config` and `service status` look in the same folder. */
export const runtimePkiDir = (dataDir: string): string => join(dataDir, 'pki');

/** A host-independent URI: the CLI on any IPC presents itself the same way. */
export const DEFAULT_APPLICATION_URI = 'urn:cellfleet:agent:cli';
export const DEFAULT_APPLICATION_NAME = 'Cellfleet Agent';
const TEN_YEARS_DAYS = 3650;

export async function openAgentPki(opts: AgentPkiOptions): Promise<AgentPki> {
  const cm = new OPCUACertificateManager({
    rootFolder: opts.dir,
    automaticallyAcceptUnknownCertificate: false,
    disableFileWatchers: opts.disableFileWatchers ?? false,
  });
  await cm.initialize();
  const certificateFile = join(cm.rootDir, 'own', 'certs', 'client_certificate.pem');
  try {
    await ensureCertificate(cm, certificateFile, opts);
  } catch (err) {
    await cm.dispose();
    throw err;
  }
  const certificate = readCertificateInfo(readFileSync(certificateFile));
  return buildPki(cm, {
    certificateFile,
    certificate,
    applicationName: opts.applicationName ?? DEFAULT_APPLICATION_NAME,
  });
}

async function ensureCertificate(
  cm: OPCUACertificateManager,
  file: string,
  opts: AgentPkiOptions,
): Promise<void> {
  if (existsSync(file)) return;
  const applicationUri = opts.applicationUri ?? DEFAULT_APPLICATION_URI;
  const name = opts.applicationName ?? DEFAULT_APPLICATION_NAME;
  await cm.createSelfSignedCertificate({
    applicationUri,
    dns: [hostname()],
    outputFile: file,
    subject: { commonName: name, organization: 'Cellfleet', domainComponent: hostname() },
    startDate: opts.certificateValidity?.startDate ?? new Date(),
    validity: opts.certificateValidity?.days ?? TEN_YEARS_DAYS,
  });
}

interface Built {
  readonly certificateFile: string;
  readonly certificate: CertificateInfo;
  readonly applicationName: string;
}

function buildPki(cm: OPCUACertificateManager, b: Built): AgentPki {
  const listFolder = (dir: string) => readCertificates(dir);
  const trustedDir = join(cm.rootDir, 'trusted', 'certs');
  const rejectedDir = join(cm.rootDir, 'rejected');
  const has = (dir: string, der: Buffer) => {
    const thumb = readCertificateInfo(der).thumbprint;
    return listFolder(dir).some((c) => c.thumbprint === thumb);
  };
  return {
    dir: cm.rootDir,
    certificateManager: cm,
    certificateFile: b.certificateFile,
    privateKeyFile: cm.privateKey,
    // The certificate's SAN URI is authoritative: node-opcua sends it (research §0.9).
    applicationUri: b.certificate.applicationUri ?? DEFAULT_APPLICATION_URI,
    applicationName: b.applicationName,
    certificate: b.certificate,
    trustStatus: (der) => (has(trustedDir, der) ? 'trusted' : has(rejectedDir, der) ? 'rejected' : 'unknown'),
    trust: (der) => cm.trustCertificate(der),
    reject: (der) => cm.rejectCertificate(der),
    listRejected: () => listFolder(rejectedDir),
    listTrusted: () => listFolder(trustedDir),
    dispose: () => cm.dispose(),
  };
}

function readCertificates(dir: string): CertificateInfo[] {
  if (!existsSync(dir)) return [];
  const out: CertificateInfo[] = [];
  for (const name of readdirSync(dir)) {
    if (!/\.(pem|der|crt)$/i.test(name)) continue;
    try {
      out.push(readCertificateInfo(readFileSync(join(dir, name))));
    } catch {
      // Not a certificate (a stray file someone copied in): skip it rather than fail the listing.
    }
  }
  return out;
}

/** Finds certificates whose thumbprint starts with `prefix` (separators and case ignored). */
export function matchThumbprint(certs: readonly CertificateInfo[], prefix: string): CertificateInfo[] {
  const p = normaliseThumbprint(prefix);
  if (p.length === 0) return [];
  return certs.filter((c) => c.thumbprint.startsWith(p));
}
