import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  type ClientSession,
  type DataValue,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  type OPCUAClientOptions,
  SecurityPolicy,
} from 'node-opcua';

// Shared by the cellsim tests (not a test file itself): a real node-opcua client with its own
// throwaway PKI that auto-accepts the emulator's certificates, and short timeouts so a fault
// that should fail fails within a test's budget.

let manager: Promise<{ cm: OPCUACertificateManager; dir: string }> | undefined;

export function clientCertificateManager(): Promise<OPCUACertificateManager> {
  manager ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cellsim-test-client-'));
    // a key of its own (not the servers' shared one), made with node:crypto: 0.2 s, not 1 s
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(join(dir, 'own', 'private'), { recursive: true });
    writeFileSync(
      join(dir, 'own', 'private', 'private_key.pem'),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const cm = new OPCUACertificateManager({
      rootFolder: dir,
      automaticallyAcceptUnknownCertificate: true,
      disableFileWatchers: true,
    });
    await cm.initialize();
    return { cm, dir };
  })();
  return manager.then((m) => m.cm);
}

/** Call from a top-level after(): the manager must be disposed or the process never exits. */
export async function disposeClientCertificateManager(): Promise<void> {
  if (!manager) return;
  const { cm, dir } = await manager;
  manager = undefined;
  await cm.dispose();
  rmSync(dir, { recursive: true, force: true });
}

export type Security = 'none' | 'sign' | 'encrypt';

export async function makeClient(
  security: Security = 'none',
  extra: Partial<OPCUAClientOptions> = {},
): Promise<OPCUAClient> {
  const mode = {
    none: MessageSecurityMode.None,
    sign: MessageSecurityMode.Sign,
    encrypt: MessageSecurityMode.SignAndEncrypt,
  }[security];
  return OPCUAClient.create({
    applicationName: 'cellsim-test',
    clientCertificateManager: await clientCertificateManager(),
    securityMode: mode,
    securityPolicy: security === 'none' ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    transportTimeout: 3000,
    defaultTransactionTimeout: 5000,
    keepSessionAlive: false,
    ...extra,
  });
}

/** Connect, open an anonymous (or given) session, run fn, always clean up. */
export async function withSession<T>(
  url: string,
  fn: (session: ClientSession, client: OPCUAClient) => Promise<T>,
  security: Security = 'none',
): Promise<T> {
  const client = await makeClient(security);
  await client.connect(url);
  try {
    const session = await client.createSession();
    try {
      return await fn(session, client);
    } finally {
      await session.close();
    }
  } finally {
    await client.disconnect();
  }
}

/** Error message of a promise that must reject. */
export async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected a failure, got success');
}

export async function readValues(session: ClientSession, nodeIds: string[]): Promise<DataValue[]> {
  return session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })));
}

export async function readValue(session: ClientSession, nodeId: string): Promise<unknown> {
  const [dv] = await readValues(session, [nodeId]);
  if (!dv?.statusCode.isGood()) throw new Error(`${nodeId}: ${dv?.statusCode.name}`);
  return dv.value.value;
}
