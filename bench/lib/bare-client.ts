// The library floor for bench/agent-memory.ts: node-opcua-client alone doing what the agent's
// OPC UA work boils down to, with nothing of Cellfleet. Bundled by esbuild and run with the
// agent's Node flags, so the two differ only in code.
//   idle                       load node-opcua-client and its certificate manager, wait
//   steady <pki> <url>…        every 30 s per URL: secure channel (Basic256Sha256, sign and
//                              encrypt), anonymous session, read BuildInfo and state, close
//   snapshot <pki> <url>       browse every node under Objects (batches of 500), read each
//                              variable's value; results dropped as they arrive
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  MessageSecurityMode,
  NodeClass,
  type NodeId,
  OPCUAClient,
  resolveNodeId,
  SecurityPolicy,
  VariableIds,
} from 'node-opcua-client';

const [mode, pki = '', ...urls] = process.argv.slice(2);

async function withSession(
  url: string,
  cm: OPCUACertificateManager,
  fn: (s: ClientSession) => Promise<void>,
) {
  const client = OPCUAClient.create({
    clientCertificateManager: cm,
    securityMode: MessageSecurityMode.SignAndEncrypt,
    securityPolicy: SecurityPolicy.Basic256Sha256,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  await client.connect(url);
  const session = await client.createSession();
  try {
    await fn(session);
  } finally {
    await session.close();
    await client.disconnect();
  }
}

async function certificates(): Promise<OPCUACertificateManager> {
  const cm = new OPCUACertificateManager({ rootFolder: pki, automaticallyAcceptUnknownCertificate: true });
  await cm.initialize();
  return cm;
}

async function snapshot(session: ClientSession): Promise<number> {
  let frontier: NodeId[] = [resolveNodeId('ObjectsFolder')];
  let nodes = 0;
  while (frontier.length > 0) {
    const next: NodeId[] = [];
    for (let i = 0; i < frontier.length; i += 500) {
      const batch = frontier.slice(i, i + 500);
      const results = await session.browse(
        batch.map((nodeId) => ({
          nodeId,
          browseDirection: BrowseDirection.Forward,
          includeSubtypes: true,
          resultMask: 63,
        })),
      );
      const variables: NodeId[] = [];
      for (const r of results) {
        for (const ref of r.references ?? []) {
          if (!ref.isForward || ref.nodeId.namespace === 0) continue;
          nodes++;
          next.push(ref.nodeId);
          if (ref.nodeClass === NodeClass.Variable) variables.push(ref.nodeId);
        }
      }
      for (let j = 0; j < variables.length; j += 500) {
        await session.read(
          variables.slice(j, j + 500).map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
        );
      }
    }
    frontier = next;
  }
  return nodes;
}

if (mode === 'idle') {
  await certificates();
  process.stdout.write('ready\n');
  setInterval(() => {}, 60_000);
} else if (mode === 'steady') {
  const cm = await certificates();
  const cycle = async () => {
    for (const url of urls) {
      await withSession(url, cm, async (s) => {
        await s.read(
          [VariableIds.Server_ServerStatus_BuildInfo, VariableIds.Server_ServerStatus_State].map((id) => ({
            nodeId: resolveNodeId(id),
            attributeId: AttributeIds.Value,
          })),
        );
      }).catch((err) => process.stderr.write(`${url}: ${(err as Error).message}\n`));
    }
  };
  await cycle();
  process.stdout.write('ready\n');
  setInterval(() => void cycle(), 30_000);
} else if (mode === 'snapshot') {
  const cm = await certificates();
  await withSession(urls[0] ?? '', cm, async (s) => {
    process.stdout.write(`${await snapshot(s)} nodes\n`);
  });
  await cm.dispose();
} else {
  process.stderr.write(`bare-client: unknown mode ${mode}\n`);
  process.exitCode = 2;
}
