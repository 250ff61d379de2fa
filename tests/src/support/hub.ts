// Test harness: a real hub in this process (embedded aedes + SQLite, ports picked by the OS),
// enrollment into agent config files, and real agent processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enrollCell, type Hub, type HubConfig, startHub } from '@cellfleet/hub';
import { tempDir } from '@cellfleet/testkit';
import pino from 'pino';
import { stringify } from 'yaml';

export const quietLogger = () => pino({ level: process.env['CELLFLEET_TEST_LOG'] ?? 'silent' });

export interface TestHub {
  hub: Hub;
  dir: string;
  dbPath: string;
  mqttPort: number;
  httpPort: number;
  /** An admin's API token (the hub has no default users). */
  token: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  get<T>(path: string): Promise<T>;
}

export async function startTestHub(
  options: {
    broker?: HubConfig['broker'];
    dir?: string;
    pgUrl?: string;
    /** HTTPS, a trusted proxy: HubConfig's http settings beside host and port. */
    http?: Omit<HubConfig['http'], 'host' | 'port'>;
    notifications?: HubConfig['notifications'];
    history?: HubConfig['history'];
    /** The hub's logger (default: silent unless CELLFLEET_TEST_LOG), e.g. to search its lines. */
    logger?: ReturnType<typeof quietLogger>;
  } = {},
): Promise<TestHub> {
  const logger = () => options.logger ?? quietLogger();
  const dir = options.dir ?? tempDir('hub');
  const dbPath = join(dir, 'hub.db');
  const broker: HubConfig['broker'] = options.broker ?? { mode: 'embedded', host: '127.0.0.1', port: 0 };
  const database = options.pgUrl ? { postgres: options.pgUrl } : { sqlite: dbPath };
  const config = (http: number, b: HubConfig['broker']): HubConfig => ({
    database,
    broker: b,
    http: { host: '127.0.0.1', port: http, ...options.http },
    ...(options.notifications ? { notifications: options.notifications } : {}),
    ...(options.history ? { history: options.history } : {}),
  });
  let hub = await startHub(config(0, broker), { logger: logger() });
  const mqttPort = Number(new URL(hub.mqttUrl).port);
  const httpPort = Number(new URL(hub.httpUrl).port);
  let running = true;
  const { token } = await hub.services.auth.addUser('test-setup', 'test-admin', 'admin');
  const t: TestHub = {
    token,
    get hub() {
      return hub;
    },
    dir,
    dbPath,
    mqttPort,
    httpPort,
    async restart() {
      // Same ports, so agents find the hub where they left it.
      hub = await startHub(
        config(httpPort, broker.mode === 'embedded' ? { ...broker, port: mqttPort } : broker),
        {
          logger: logger(),
        },
      );
      running = true;
    },
    async stop() {
      if (running) await hub.stop();
      running = false;
    },
    async get<T>(path: string): Promise<T> {
      const res = await fetch(`${hub.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET ${path} → ${res.status}`);
      return (await res.json()) as T;
    },
  };
  return t;
}

export interface AgentSetup {
  site?: string;
  line?: string;
  cell: string;
  group?: string;
  endpoints: Array<{ name: string; url: string }>;
  probeIntervalMs?: number;
  keepaliveSec?: number;
  /** Server certificates (DER) the agent trusts, as if a tech ran `cellfleet-agent trust`. */
  trustServers?: Buffer[];
  /** The agent's local `maintenance` section (script allowlist, lock file). */
  maintenance?: {
    scripts?: Record<string, { command: string; args?: string[]; timeoutMs?: number }>;
    lockFile?: string;
  };
}

/** Enrolls a cell at the hub and writes its agent config (with a short probe interval). */
export async function enrollAgent(
  t: TestHub,
  s: AgentSetup,
): Promise<{ configPath: string; dataDir: string; id: string; secret: string }> {
  const r = await enrollCell(
    t.hub.services.cells,
    {
      site: s.site ?? 'plant1',
      line: s.line ?? 'lineA',
      cell: s.cell,
      sisterGroup: s.group ?? 'presses',
      endpoints: s.endpoints,
    },
    {
      url: t.hub.mqttUrl,
      // Pinned as at a real enrollment, so the agent verifies the hub's signed actions.
      actionKeys: (await t.hub.services.keyring.list()).map((k) => ({
        keyId: k.keyId,
        publicKeyPem: k.publicKeyPem,
      })),
      now: Date.now(),
    },
  );
  const dir = tempDir(`agent-${s.cell}`);
  const dataDir = join(dir, 'data');
  const config = {
    ...r.config,
    hub: { ...(r.config['hub'] as object), keepaliveSec: s.keepaliveSec ?? 2 },
    probe: { intervalMs: s.probeIntervalMs ?? 60_000, timeoutMs: 5000 },
    dataDir,
    ...(s.maintenance ? { maintenance: s.maintenance } : {}),
  };
  const trusted = join(dataDir, 'pki', 'trusted', 'certs');
  mkdirSync(trusted, { recursive: true });
  for (const der of s.trustServers ?? [])
    writeFileSync(join(trusted, `${createHash('sha1').update(der).digest('hex')}.der`), der);
  const configPath = join(dir, 'agent.yaml');
  writeFileSync(configPath, stringify(config), { mode: 0o600 });
  return { configPath, dataDir, id: r.id, secret: r.secret };
}

export interface AgentProcess {
  readonly child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnAgent(configPath: string, options: { env?: Record<string, string> } = {}): AgentProcess {
  const child = spawn(process.execPath, ['apps/agent/src/main.ts', 'run', '--config', configPath], {
    cwd: new URL('../../../', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
