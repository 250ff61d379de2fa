// The demo fleet: a hub (embedded aedes + SQLite) and emulated cells in two sister groups, each
// with its own enrolled agent, with drift and a fault that are true on first run. Used by
// `npm run demo` and by the browser tests, so what the tests see is what a visitor sees.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@cellfleet/agent/config/load';
import { openOutbox } from '@cellfleet/agent/outbox/outbox';
import { openAgentPki } from '@cellfleet/agent/pki/index';
import { probeEndpoint } from '@cellfleet/agent/probe/index';
import { type Agent, createAgent } from '@cellfleet/agent/runtime/agent';
import { createSnapshotDuty } from '@cellfleet/agent/runtime/snapshots';
import { type CellOptions, type RunningCell, startCell } from '@cellfleet/cellsim';
import { enrollCell } from '@cellfleet/hub/agents/enroll';
import { type Hub, startHub } from '@cellfleet/hub/app';
import type { EndpointConfig } from '@cellfleet/protocol';
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
].map((d) => {
  switch (d.cell.name) {
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

export async function startDemoFleet(o: DemoOptions): Promise<DemoFleet> {
  const say = o.onProgress ?? (() => {});
  rmSync(o.dataDir, { recursive: true, force: true });
  mkdirSync(o.dataDir, { recursive: true });
  const hub = await startHub({
    dbPath: join(o.dataDir, 'hub.db'),
    broker: { mode: 'embedded', host: '127.0.0.1', port: o.mqttPort },
    http: { host: '127.0.0.1', port: o.httpPort },
    logger: o.logger,
  });
  say(`hub up: API ${hub.httpUrl}, broker ${hub.mqttUrl}`);
  const users = DEMO_USERS.map((u) => {
    const c = hub.services.auth.addUser('demo-setup', u.name, u.role);
    return { ...u, password: c.password, token: c.token };
  });
  const actionKeys = hub.services.keyring
    .list()
    .map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem }));

  const cells = new Map<string, RunningCell>();
  const agents = new Map<string, Agent>();
  const closers: Array<() => Promise<void>> = [];
  for (const d of DEMO_CELLS) {
    const cell = await startCell(d.cell);
    const enrolled = await enrollCell(
      hub.store,
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
    const configText = stringify({
      ...enrolled.config,
      probe: { intervalMs: o.probeIntervalMs ?? 30_000, timeoutMs: 5000 },
      dataDir,
    });
    const config = parseConfig(configText, join(dataDir, 'agent.yaml'));
    const outbox = openOutbox(join(dataDir, 'outbox.db'), config.outbox);
    const pki = await openAgentPki({
      dir: join(dataDir, 'pki'),
      applicationUri: `urn:cellfleet:agent:${enrolled.id}`,
      disableFileWatchers: true,
    });
    // What a tech does once per server with `cellfleet-agent trust`: the agent never trusts unknown servers.
    await pki.trust(cell.serverCertificate());
    const probe = async (endpoint: EndpointConfig, timeoutMs: number) =>
      (await probeEndpoint(endpoint, { pki, timeoutMs })).body;
    const snapshots = createSnapshotDuty({
      cell: enrolled.id,
      endpoints: config.endpoints,
      pki,
      dataDir,
      timeoutMs: config.probe.timeoutMs,
      newId: randomUUID,
      logger: o.logger,
    });
    const agent = createAgent({ config, outbox, probe, snapshots, logger: o.logger, newId: randomUUID });
    agent.start();
    agents.set(enrolled.id, agent);
    closers.push(async () => {
      await agent.stop().catch(() => {});
      outbox.close();
      await pki.dispose();
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
    async stop() {
      for (const close of closers) await close();
      await hub.stop();
    },
  };
}
