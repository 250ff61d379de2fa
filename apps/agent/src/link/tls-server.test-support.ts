// For tests of the agent's HTTPS calls to the hub: a real HTTPS server on a free port with a
// self-signed certificate made by openssl (as a site would make one), and its SHA-256
// fingerprint, the way an agent pins a hub.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface TestTlsServer {
  readonly server: Server;
  /** https://127.0.0.1:<port> */
  readonly url: string;
  readonly certFile: string;
  readonly fingerprint: string;
  close(): Promise<void>;
}

export async function startTlsServer(dir: string, handler: RequestListener): Promise<TestTlsServer> {
  const certFile = join(dir, 'hub.crt');
  const keyFile = join(dir, 'hub.key');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certFile);
  const server = createServer({ cert, key: readFileSync(keyFile) }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    certFile,
    fingerprint: new X509Certificate(cert).fingerprint256,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
