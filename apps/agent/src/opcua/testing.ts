// In-process node-opcua servers for the agent's own tests (CONVENTIONS.md: real servers at
// the edges, port 0, everything closed by the test that started it).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  type UserManagerOptions,
} from 'node-opcua';

export interface TestServerOptions {
  /** A folder reused across tests in one file: key generation costs about a second. */
  readonly dir: string;
  /** Reject client certificates not in trusted/ (default: accept every client). */
  readonly strictPki?: boolean;
  readonly allowAnonymous?: boolean;
  readonly users?: Readonly<Record<string, string>>;
  readonly modes?: readonly MessageSecurityMode[];
  readonly policies?: readonly SecurityPolicy[];
  readonly hostname?: string;
  readonly maxSessions?: number;
  /** Concurrent connections per endpoint (node-opcua's default is 10). */
  readonly maxConnections?: number;
  readonly productName?: string;
  readonly manufacturerName?: string;
  /** BuildInfo.BuildDate (node-opcua's default: 2020-02-01). */
  readonly buildDate?: Date;
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly server: OPCUAServer;
  readonly certificateManager: OPCUACertificateManager;
  stop(): Promise<void>;
}

export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  mkdirSync(opts.dir, { recursive: true });
  const cm = new OPCUACertificateManager({
    rootFolder: join(opts.dir, opts.strictPki ? 'pki-strict' : 'pki-open'),
    automaticallyAcceptUnknownCertificate: !opts.strictPki,
    disableFileWatchers: true,
  });
  await cm.initialize();
  const users = opts.users ?? {};
  const userManager: UserManagerOptions = { isValidUser: (u: string, p: string) => users[u] === p };
  const server = new OPCUAServer({
    port: 0,
    host: '127.0.0.1',
    hostname: opts.hostname ?? '127.0.0.1',
    serverCertificateManager: cm,
    allowAnonymous: opts.allowAnonymous ?? true,
    userManager,
    securityModes: [...(opts.modes ?? [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt])],
    securityPolicies: [...(opts.policies ?? [SecurityPolicy.None, SecurityPolicy.Basic256Sha256])],
    serverCapabilities: { maxSessions: opts.maxSessions ?? 20 },
    ...(opts.maxConnections ? { maxConnectionsPerEndpoint: opts.maxConnections } : {}),
    buildInfo: {
      productName: opts.productName ?? 'Test Server',
      manufacturerName: opts.manufacturerName ?? 'Cellfleet tests',
      softwareVersion: '1.0.0',
      buildNumber: '42',
      ...(opts.buildDate ? { buildDate: opts.buildDate } : {}),
    },
  });
  await server.start();
  const port = server.endpoints[0]?.port ?? 0;
  const url = `opc.tcp://127.0.0.1:${port}`;
  return {
    url,
    port,
    server,
    certificateManager: cm,
    stop: async () => {
      await server.shutdown(0);
      await cm.dispose();
    },
  };
}
