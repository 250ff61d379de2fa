// A hub in this process (embedded aedes + SQLite, ports picked by the OS) and agent configs
// enrolled at it, for benches that run real agent processes (bench/agent-memory.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enrollCell, type Hub, startHub } from '@cellfleet/hub';
import { tempDir } from '@cellfleet/testkit';
import pino from 'pino';
import { stringify } from 'yaml';

export interface BenchHub {
  /** GET an API path as an admin. */
  get<T>(path: string): Promise<T>;
  /** Writes the agent config of a newly enrolled cell; the given server certificates trusted. */
  enroll(o: {
    cell: string;
    endpoints: Array<{ name: string; url: string }>;
    trust: Buffer[];
    probeMs: number;
  }): Promise<{
    id: string;
    configPath: string;
  }>;
  stop(): Promise<void>;
}

/** A hub as the demo runs it (embedded broker, SQLite in a new temp dir `name`), silent, on OS-picked ports. */
export async function startSqliteHub(name: string): Promise<{ hub: Hub; dir: string }> {
  const dir = tempDir(name);
  const hub = await startHub(
    {
      database: { sqlite: join(dir, 'hub.db') },
      broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
    },
    { logger: pino({ level: 'silent' }) },
  );
  return { hub, dir };
}

export async function startBenchHub(): Promise<BenchHub> {
  const { hub } = await startSqliteHub('bench-hub');
  const { token } = await hub.services.auth.addUser('bench', 'bench-admin', 'admin');
  return {
    async get<T>(path: string) {
      const res = await fetch(`${hub.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET ${path} → ${res.status}`);
      return (await res.json()) as T;
    },
    async enroll(o) {
      const keys = await hub.services.keyring.list();
      const r = await enrollCell(
        hub.services.cells,
        { site: 'bench', line: 'mem', cell: o.cell, sisterGroup: 'bench', endpoints: o.endpoints },
        {
          url: hub.mqttUrl,
          actionKeys: keys.map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem })),
          now: Date.now(),
        },
      );
      const agentDir = tempDir(`bench-agent-${o.cell}`);
      const dataDir = join(agentDir, 'data');
      const trusted = join(dataDir, 'pki', 'trusted', 'certs');
      mkdirSync(trusted, { recursive: true });
      for (const der of o.trust)
        writeFileSync(join(trusted, `${createHash('sha1').update(der).digest('hex')}.der`), der);
      const configPath = join(agentDir, 'agent.yaml');
      // The enrollment's config as printed, with the bench's probe interval and a temp dataDir.
      const config = { ...r.config, probe: { intervalMs: o.probeMs }, dataDir };
      writeFileSync(configPath, stringify(config), { mode: 0o600 });
      return { id: r.id, configPath };
    },
    stop: () => hub.stop(),
  };
}
