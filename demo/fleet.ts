// The demo fleet: a hub (embedded aedes + SQLite) and emulated cells in two sister groups, each
// with its own enrolled agent, with drift and a fault that are true on first run. Used by
// `npm run demo` and by the browser tests, so what the tests see is what a visitor sees.

import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Agent, createProbePool, openAgentPki, parseConfig, startAgentRuntime } from '@cellfleet/agent';
import { type CellOptions, type RunningCell, startCell, startKepwareConfigApi } from '@cellfleet/cellsim';
import { enrollCell, type Hub, proposeFromSnapshots, startHub } from '@cellfleet/hub';
import type { EndpointConfig, EventLogConfig } from '@cellfleet/protocol';
import type { Logger } from 'pino';
import { stringify } from 'yaml';

export interface DemoCell {
  readonly site: string;
  readonly line: string;
  readonly sisterGroup: string;
  readonly endpointName: string;
  readonly cell: CellOptions;
  /** Why this cell is interesting in the demo. */
  readonly story?: string;
  /** The cell's own Ignition Gateway is a listed client the server refuses (issue 17). */
  readonly plantClient?: boolean;
}

const K = 'Channel1.Device1';
export const DEMO_CELLS: readonly DemoCell[] = [
  ...['press-01', 'press-02', 'press-03', 'press-04', 'press-05'].map(
    (name): DemoCell => ({
      site: 'plant1',
      line: 'line-a',
      sisterGroup: 'presses',
      endpointName: 'kepware',
      cell: { kind: 'kepware', name },
    }),
  ),
  ...['weld-01', 'weld-02', 'weld-03'].map(
    (name): DemoCell => ({
      site: 'plant1',
      line: 'line-b',
      sisterGroup: 'welders',
      endpointName: 'ignition',
      cell: { kind: 'ignition', name },
    }),
  ),
  // A mixed plant (issue 13): a packing line behind FactoryTalk Linx Gateway, a filling line on
  // WinCC Unified panels. Their agents detect the platform and rank its fix steps first.
  ...['pack-01', 'pack-02'].map(
    (name): DemoCell => ({
      site: 'plant1',
      line: 'line-c',
      sisterGroup: 'packers',
      endpointName: 'ftlg',
      cell: { kind: 'factorytalk', name },
    }),
  ),
  ...['fill-01', 'fill-02'].map(
    (name): DemoCell => ({
      site: 'plant1',
      line: 'line-d',
      sisterGroup: 'fillers',
      endpointName: 'wincc-unified',
      cell: { kind: 'wincc-unified', name },
    }),
  ),
].map((d) => {
  switch (d.cell.name) {
    case 'press-02':
      return {
        ...d,
        cell: { ...d.cell, faults: ['strict-pki'] },
        plantClient: true,
        story: "Kepware refuses the plant's Ignition Gateway certificate while the agent's own probe passes",
      };
    case 'press-03':
      return {
        ...d,
        cell: { ...d.cell, softwareVersion: '6.14.263' },
        story: 'runs an older Kepware than its sisters',
      };
    case 'press-04':
      return {
        ...d,
        cell: { ...d.cell, parameters: { [`${K}.Recipe.Speed`]: 120 } },
        story: 'recipe speed changed by hand',
      };
    case 'weld-02':
      return { ...d, cell: { ...d.cell, omitTags: ['[PLC1]DB1.Pressure'] }, story: 'a tag is missing' };
    case 'weld-03':
      return {
        ...d,
        cell: { ...d.cell, faults: ['device-not-communicating'] },
        story: 'PLC behind the server not communicating',
      };
    case 'pack-01':
      return {
        ...d,
        story: 'FactoryTalk Linx Gateway certificate URI with spaces: Ignition clients refuse it',
      };
    case 'pack-02':
      return {
        ...d,
        cell: { ...d.cell, faults: ['anonymous-disabled'] },
        story: 'the gateway refuses anonymous login (its user settings are not documented: the fix says so)',
      };
    case 'fill-02':
      return {
        ...d,
        cell: { ...d.cell, faults: ['port-closed'] },
        story: 'WinCC Unified Runtime UA server down (on a real panel: check its certificate first)',
      };
    case 'press-05':
      return {
        ...d,
        cell: { ...d.cell, faults: ['port-closed'] },
        story: 'OPC UA interface disabled (port closed)',
      };
    default:
      return d;
  }
});

export const DEMO_USERS = [
  { name: 'ada', role: 'admin' },
  { name: 'erin', role: 'engineer' },
  { name: 'alex', role: 'approver' },
  { name: 'vic', role: 'viewer' },
] as const;

export interface DemoFleet {
  readonly hub: Hub;
  /** Seeded users, one per role, with the passwords generated for them. */
  readonly users: ReadonlyArray<{ name: string; role: string; password: string; token: string }>;
  readonly cells: ReadonlyMap<string, RunningCell>;
  readonly agents: ReadonlyMap<string, Agent>;
  stopAgent(cellId: string): Promise<void>;
  /** Waits for press-04's first snapshot and proposes aligning it with its sisters. */
  seedExample(): Promise<void>;
  stop(): Promise<void>;
}

export interface DemoOptions {
  readonly dataDir: string;
  readonly httpPort: number;
  readonly mqttPort: number;
  readonly logger: Logger;
  readonly probeIntervalMs?: number;
  readonly onProgress?: (line: string) => void;
}

export async function startDemoFleet(options: DemoOptions): Promise<DemoFleet> {
  // Absolute: each agent's config resolves its dataDir against the config file's own folder.
  const o = { ...options, dataDir: resolve(options.dataDir) };
  const say = o.onProgress ?? (() => {});
  rmSync(o.dataDir, { recursive: true, force: true });
  mkdirSync(o.dataDir, { recursive: true });
  const hub = await startHub(
    {
      database: { sqlite: join(o.dataDir, 'hub.db') },
      broker: { mode: 'embedded', host: '127.0.0.1', port: o.mqttPort },
      http: { host: '127.0.0.1', port: o.httpPort },
    },
    { logger: o.logger },
  );
  say(`hub up: API ${hub.httpUrl}, broker ${hub.mqttUrl}`);
  const users = [];
  for (const u of DEMO_USERS) {
    const c = await hub.services.auth.addUser('demo-setup', u.name, u.role);
    users.push({ ...u, password: c.password, token: c.token });
  }
  const actionKeys = (await hub.services.keyring.list()).map((k) => ({
    keyId: k.keyId,
    publicKeyPem: k.publicKeyPem,
  }));

  // A site-wide window open now, so an approved action runs during the demo.
  const day = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  await hub.services.actions.windows.create(
    'demo-setup',
    {
      name: 'Demo window (open now, 4 h a day)',
      site: 'plant1',
      spec: {
        kind: 'daily',
        start: day(Date.now() - 3_600_000),
        end: day(Date.now() + 3 * 3_600_000),
        timeZone: 'UTC',
      },
    },
    Date.now(),
  );
  const cells = new Map<string, RunningCell>();
  const agents = new Map<string, Agent>();
  const closers: Array<() => Promise<void>> = [];
  // One set of probe hosts for all agents of this process, not a node-opcua child per agent.
  const probePool = createProbePool({ maxHosts: 2 });
  for (const d of DEMO_CELLS) {
    const serverPki = d.plantClient ? join(o.dataDir, 'servers', d.cell.name) : undefined;
    const cell = await startCell({ ...d.cell, ...(serverPki ? { pkiDir: serverPki } : {}) });
    const enrolled = await enrollCell(
      hub.services.cells,
      {
        site: d.site,
        line: d.line,
        cell: d.cell.name,
        sisterGroup: d.sisterGroup,
        endpoints: [{ name: d.endpointName, url: cell.endpointUrl }],
      },
      { url: hub.mqttUrl, actionKeys, now: Date.now() },
    );
    cells.set(enrolled.id, cell);
    const dataDir = join(o.dataDir, 'agents', d.cell.name);
    mkdirSync(dataDir, { recursive: true });
    const extra = serverPki
      ? await plantClient(cell, { dataDir, cellId: enrolled.id, serverPki, closers })
      : {};
    const configText = stringify({
      ...enrolled.config,
      endpoints: (enrolled.config['endpoints'] as EndpointConfig[]).map((e) => ({ ...e, ...extra })),
      probe: { intervalMs: o.probeIntervalMs ?? 30_000, timeoutMs: 5000 },
      dataDir,
    });
    const config = parseConfig(configText, join(dataDir, 'agent.yaml'));
    // What a tech does once per server with `cellfleet-agent trust`: agents never trust unknown servers.
    trustServer(dataDir, cell.serverCertificate());
    const running = await startAgentRuntime(config, {
      logger: o.logger,
      disableFileWatchers: true,
      probePool,
    });
    agents.set(enrolled.id, running.agent);
    closers.push(async () => {
      await running.stop().catch(() => {});
      await cell.stop();
    });
    say(`cell ${enrolled.id} (${d.sisterGroup}) at ${cell.endpointUrl}${d.story ? ` — ${d.story}` : ''}`);
  }

  return {
    hub,
    users,
    cells,
    agents,
    async stopAgent(cellId) {
      await agents.get(cellId)?.stop();
    },
    seedExample: () => seedExample(hub, say),
    async stop() {
      for (const close of closers) await close();
      await probePool.close();
      await hub.stop();
    },
  };
}

/**
 * press-02's plant client (issue 17): the agent's certificate is made now and trusted on the
 * strict server, as a tech would; the plant's Ignition Gateway has its own certificate, which
 * the server has not trusted. The agent may read the client's key (mode 0600), so its probe as
 * the client presents that certificate and is refused exactly as Ignition is.
 */
async function plantClient(
  cell: RunningCell,
  o: { dataDir: string; cellId: string; serverPki: string; closers: Array<() => Promise<void>> },
): Promise<Partial<EndpointConfig>> {
  const agentPki = await openAgentPki({
    dir: join(o.dataDir, 'pki'),
    applicationUri: `urn:cellfleet:agent:${o.cellId}`,
    disableFileWatchers: true,
  });
  await cell.trustClientCertificate(agentPki.certificate.der);
  await agentPki.dispose();
  const ignition = await openAgentPki({
    dir: join(o.dataDir, 'plant-ignition'),
    applicationUri: 'urn:plant1:ignition-gateway',
    applicationName: 'Ignition Gateway',
    disableFileWatchers: true,
  });
  chmodSync(ignition.privateKeyFile, 0o600);
  const files = { certificate: ignition.certificateFile, privateKey: ignition.privateKeyFile };
  await ignition.dispose();
  return {
    clients: [
      {
        name: 'ignition-gateway',
        label: 'Ignition Gateway',
        vendor: 'ignition',
        url: cell.endpointUrl,
        securityPolicy: 'Basic256Sha256',
        securityMode: 'SignAndEncrypt',
        userTokenType: 'UserName',
        ...files,
      },
    ],
    rejectedCertificatesDir: join(o.serverPki, 'rejected'),
    eventLog: await kepwareEventLog(cell, o),
  };
}

/**
 * press-02's Kepware also logs the refusal in its event log, read through its Configuration API
 * (emulated; it follows the cell's rejected folder), with a password from a file of mode 0600.
 */
async function kepwareEventLog(
  cell: RunningCell,
  o: { dataDir: string; closers: Array<() => Promise<void>> },
): Promise<EventLogConfig> {
  const password = randomBytes(18).toString('base64url');
  const api = await startKepwareConfigApi({ user: 'cellfleet', password, cell });
  o.closers.push(() => api.close());
  const passwordFile = join(o.dataDir, 'kepware-api.pw');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  return { kind: 'kepware-config-api', url: api.url, user: 'cellfleet', passwordFile };
}

function trustServer(dataDir: string, der: Buffer): void {
  const trusted = join(dataDir, 'pki', 'trusted', 'certs');
  mkdirSync(trusted, { recursive: true });
  writeFileSync(join(trusted, `${createHash('sha1').update(der).digest('hex')}.der`), der);
}

/** The ready example of issue 5: press-04's drifted recipe speed, proposed for alignment by erin. */
async function seedExample(hub: Hub, say: (line: string) => void): Promise<void> {
  const cell = 'plant1.line-a.press-04';
  const deps = {
    cells: hub.services.cells,
    snapshots: hub.services.snapshots,
    actions: hub.services.actions,
    now: Date.now,
  };
  for (let i = 0; i < 120; i++) {
    const compared = await hub.services.snapshots.compare('presses').catch(() => undefined);
    if (compared?.rows.some((r) => r.outliers.some((o) => o.cell === cell))) {
      const { action } = await proposeFromSnapshots(deps, { name: 'erin', role: 'engineer' }, cell, {
        mode: 'align',
        reason: 'Recipe speed drifted to 120; its sisters run 100. Align it in the maintenance window.',
      });
      say(`example: erin proposed ${action.id} (align press-04 with its sisters); approve it as alex`);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  say('example: press-04 has no snapshot yet, so no example proposal was made');
}
