import { createHash, generateKeyPair } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OPCUACertificateManager } from 'node-opcua';

// Server-side PKI of a cell. node-opcua keeps the store on disk (own/ trusted/ rejected/,
// research §3.1). RSA key generation is the slow part (~1 s with node-opcua-pki), so one key
// per process is generated with node:crypto and written into every new store; only the
// certificate, which carries the cell's applicationUri, is made per store.

let processKey: Promise<string> | undefined;

function sharedPrivateKeyPem(): Promise<string> {
  processKey ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(({ privateKey }) =>
    privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  return processKey;
}

/** Put a private key into a store that has none, so node-opcua does not generate one. */
export async function seedPrivateKey(rootDir: string): Promise<void> {
  const file = join(rootDir, 'own', 'private', 'private_key.pem');
  if (existsSync(file)) return;
  mkdirSync(join(rootDir, 'own', 'private'), { recursive: true });
  writeFileSync(file, await sharedPrivateKeyPem(), { mode: 0o600 });
}

// File watchers are off: with dozens of cells in one test process chokidar exhausts the libuv
// pool (research §6). Trust changes go through trustClientCertificate() instead of file moves.
export async function openCertificateManager(
  rootDir: string,
  strict: boolean,
): Promise<OPCUACertificateManager> {
  await seedPrivateKey(rootDir);
  const cm = new OPCUACertificateManager({
    rootFolder: rootDir,
    automaticallyAcceptUnknownCertificate: !strict,
    disableFileWatchers: true,
  });
  await cm.initialize();
  return cm;
}

export interface CertificateIdentity {
  applicationUri: string;
  subject: string;
  dns: string[];
  ip: string[];
}

/**
 * The cell's self-signed server certificate, naming every address it is dialled by
 * (node-opcua's own default names only the host name and the first external IP, so a client
 * dialling 127.0.0.1 would rightly report a host-name mismatch). `expired`: valid for one year,
 * starting two years ago. Cached in the store under a name derived from the identity and the
 * validity, so a cell switching faults signs each certificate only once, and a store reused
 * under another name or URI never serves a certificate made for the old one.
 */
export async function ensureServerCertificate(
  cm: OPCUACertificateManager,
  id: CertificateIdentity,
  expired: boolean,
): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify({ ...id, expired }))
    .digest('hex')
    .slice(0, 12);
  const file = join(cm.rootDir, 'own', 'certs', `cellsim_${expired ? 'expired' : 'current'}_${key}.pem`);
  if (existsSync(file)) return file;
  const day = 24 * 3600 * 1000;
  const startDate = new Date(Date.now() - (expired ? 2 * 365 * day : day));
  await cm.createSelfSignedCertificate({ ...id, startDate, validity: 365, outputFile: file });
  return file;
}

/** DER bytes of a PEM or DER certificate file. */
export function readCertificateFile(file: string): Buffer {
  const raw = readFileSync(file);
  const text = raw.toString('latin1');
  const match = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/.exec(text);
  return match?.[1] ? Buffer.from(match[1].replace(/\s+/g, ''), 'base64') : raw;
}

function certificatesIn(folder: string): { file: string; der: Buffer }[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => /\.(pem|der|crt)$/i.test(f))
    .map((f) => ({ file: join(folder, f), der: readCertificateFile(join(folder, f)) }));
}

export function rejectedCertificates(cm: OPCUACertificateManager): Buffer[] {
  return certificatesIn(cm.rejectedFolder).map((c) => c.der);
}

/**
 * In lab mode node-opcua auto-accepts by moving each unknown client certificate to trusted/.
 * A switch to strict-pki must forget those, or the "unknown" client would still be trusted;
 * only the certificates trusted on purpose stay.
 */
export async function forgetAutoTrusted(cm: OPCUACertificateManager, keep: readonly Buffer[]): Promise<void> {
  let removed = false;
  for (const { file, der } of certificatesIn(cm.trustedFolder)) {
    if (keep.some((k) => k.equals(der))) continue;
    rmSync(file, { force: true });
    removed = true;
  }
  if (removed) await cm.reloadCertificates();
}
