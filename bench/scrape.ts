// Issue 15: what a Prometheus scrape of the hub costs at fleet size. N simulated agents
// (apps/fleetsim, the real agent core) connect to one hub process (embedded aedes + SQLite),
// probe, and report health; then GET /metrics and, in the same run as the baseline, GET
// /api/cells (what the fleet page loads) are timed and sized. Default 10,000 agents
// (CELLFLEET_BENCH_SCRAPE_AGENTS to change it).
import { execFileSync, execSync } from 'node:child_process';
import { join } from 'node:path';
import { createFleet, enrollFleet, type Fleet } from '@cellfleet/fleetsim';
import { withCellStore } from '@cellfleet/hub';
import { freePort, removeDir, tempDir } from '@cellfleet/testkit';
import { type Child, startChild } from './lib/proc.ts';
import { fmt, machine, writeSection } from './lib/report.ts';

const AGENTS = Number(process.env['CELLFLEET_BENCH_SCRAPE_AGENTS'] ?? 10_000);
const RUNS = 7;

function userToken(dbPath: string, name: string, role: string): string {
  const out = execFileSync(
    process.execPath,
    ['apps/hub/src/main.ts', 'user', 'add', name, '--role', role, '--db', dbPath],
    {
      encoding: 'utf8',
    },
  );
  const token = /API token:\s+(\S+)/.exec(out)?.[1];
  if (!token) throw new Error(`no token in: ${out}`);
  return token;
}

async function timed(url: string, token: string) {
  const times: number[] = [];
  let bytes = 0;
  let body = '';
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    body = await res.text();
    times.push(performance.now() - t0);
    if (!res.ok) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
    bytes = Buffer.byteLength(body);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)]!, max: times[RUNS - 1]!, bytes, body };
}

async function run(): Promise<string> {
  const limit = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim());
  if (limit < AGENTS + 1000) throw new Error(`ulimit -n is ${limit}; raise it above ${AGENTS + 1000}`);
  const dir = tempDir('bench-scrape');
  const dbPath = join(dir, 'hub.db');
  let hub: Child | undefined;
  let fleet: Fleet | undefined;
  try {
    const agents = await withCellStore({ dbPath }, (cells) => enrollFleet(cells, { agents: AGENTS }));
    const metricsToken = userToken(dbPath, 'prometheus', 'metrics');
    const viewerToken = userToken(dbPath, 'viewer', 'viewer');
    const mqttPort = await freePort();
    const started = await startChild(
      'apps/hub/src/main.ts',
      ['serve', '--db', dbPath, '--http-port', '0', '--mqtt-port', String(mqttPort), '--log-level', 'warn'],
      /API (http:\S+)\/api\/cells/,
    );
    hub = started;
    const api = started.match[1]!;
    fleet = createFleet({
      url: `mqtt://127.0.0.1:${mqttPort}`,
      agents,
      probeIntervalMs: 20_000,
      snapshotIntervalMs: 600_000,
      healthIntervalMs: 20_000,
      keepaliveSec: 60,
      rampMs: Math.min(10_000, AGENTS * 2),
    });
    const f = fleet;
    f.start();
    await f.until('every agent connected', () => f.connected() === AGENTS, 180_000);
    // Two probe and health rounds, so every cell has a diagnosis and outbox figures; then the
    // fleet falls quiet and drains, and the scrapes time the hub alone.
    await new Promise((r) => setTimeout(r, 45_000));
    f.quiesce();
    await f.until('outboxes drained', () => f.outbox() === 0, 120_000);
    const metrics = await timed(`${api}/metrics`, metricsToken);
    const cells = await timed(`${api}/api/cells`, viewerToken);
    const series = metrics.body.split('\n').filter((l) => l && !l.startsWith('#')).length;
    const cellSeries = metrics.body.split('\n').filter((l) => l.startsWith('cellfleet_')).length;
    const certSeries = metrics.body
      .split('\n')
      .filter((l) => l.startsWith('cellfleet_certificate_expiry_timestamp_seconds{')).length;
    return `**${fmt(AGENTS)} agents**${AGENTS < 10_000 ? ' (a trial at a small size on a shared machine; the issue asks for 10,000: `npm run bench` runs that)' : ''}. ${machine()}. ${fmt(AGENTS)} simulated agents (apps/fleetsim: the real agent core, probing and reporting health every 20 s) on one hub process (SQLite, embedded broker); ${RUNS} sequential requests each, after two report rounds, same run.

| request | median | slowest | size | series |
|---|---|---|---|---|
| \`GET /metrics\` (metrics token) | ${fmt(metrics.median)} ms | ${fmt(metrics.max)} ms | ${fmt(metrics.bytes / 1024)} KiB | ${fmt(series)} (cellfleet_*: ${fmt(cellSeries)}, of which certificate expiry per cell: ${fmt(certSeries)}) |
| \`GET /api/cells\` (baseline: the fleet page's list) | ${fmt(cells.median)} ms | ${fmt(cells.max)} ms | ${fmt(cells.bytes / 1024)} KiB | — |

Series other than the per-cell certificate gauge are bounded by site × line × group × state/code, not by the cell count. The simulated agents report no certificates, so the certificate series count is 0 here; with real agents it is at most 2 per cell (agent and server).`;
  } finally {
    await fleet?.stop();
    await hub?.kill('SIGKILL');
    removeDir(dir);
  }
}

// One section whatever the size: the lead's 10,000-agent run replaces a smaller trial run.
writeSection('Prometheus scrape (GET /metrics) next to GET /api/cells', await run());
process.exit(0);
