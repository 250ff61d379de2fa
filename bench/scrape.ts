// Issue 15: what a Prometheus scrape of the hub costs at fleet size. N simulated agents
// (apps/fleetsim, the real agent core) connect to one hub process (embedded aedes + SQLite),
// probe, and report health; then GET /metrics and, interleaved with it as the baseline, GET
// /api/cells (what the fleet page loads) are timed and sized, and promtool checks the body.
// Default 10,000 agents (CELLFLEET_BENCH_SCRAPE_AGENTS to change it); a smaller trial prints its
// section instead of replacing the 10,000-agent one in BENCHMARKS.md.
import { execFileSync, execSync } from 'node:child_process';
import { join } from 'node:path';
import { createFleet, enrollFleet, type Fleet } from '@cellfleet/fleetsim';
import { withCellStore } from '@cellfleet/hub';
import { freePort, removeDir, tempDir } from '@cellfleet/testkit';
import { type Child, sample, startChild } from './lib/proc.ts';
import { fmt, machine, writeSection } from './lib/report.ts';
import { checkWithPromtool, countSeries, listenOverflows, sampleLoad } from './lib/scrape-body.ts';

const FULL = 10_000;
const AGENTS = Number(process.env['CELLFLEET_BENCH_SCRAPE_AGENTS'] ?? FULL);
const RUNS = 7;
const PASSES = 3;
const PASS_GAP_MS = 10_000;
const REPORT_MS = 20_000;
const TITLE = 'Prometheus scrape (GET /metrics) next to GET /api/cells';

function userToken(dbPath: string, name: string, role: string): string {
  const out = execFileSync(
    process.execPath,
    ['apps/hub/src/main.ts', 'user', 'add', name, '--role', role, '--db', dbPath],
    { encoding: 'utf8' },
  );
  const token = /API token:\s+(\S+)/.exec(out)?.[1];
  if (!token) throw new Error(`no token in: ${out}`);
  return token;
}

interface Timing {
  readonly times: number[];
  bytes: number;
  body: string;
}

async function get(url: string, token: string, into: Timing): Promise<void> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  into.times.push(performance.now() - t0);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
  into.body = body;
  into.bytes = Buffer.byteLength(body);
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** RUNS rounds of both requests, sequential; which goes first alternates by round. */
async function onePass(api: string, metricsToken: string, viewerToken: string) {
  const metrics: Timing = { times: [], bytes: 0, body: '' };
  const cells: Timing = { times: [], bytes: 0, body: '' };
  for (let i = 0; i < RUNS; i++) {
    const both = [
      () => get(`${api}/metrics`, metricsToken, metrics),
      () => get(`${api}/api/cells`, viewerToken, cells),
    ];
    if (i % 2 === 1) both.reverse();
    for (const request of both) await request();
  }
  return { metrics, cells };
}

/**
 * PASSES passes of RUNS rounds, PASS_GAP_MS apart (a shared machine's load comes and goes):
 * the figure is the median of the passes' medians, with each pass's median beside it.
 */
async function timeBoth(api: string, metricsToken: string, viewerToken: string) {
  const passes: Array<Awaited<ReturnType<typeof onePass>>> = [];
  for (let p = 0; p < PASSES; p++) {
    if (p > 0) await new Promise((r) => setTimeout(r, PASS_GAP_MS));
    passes.push(await onePass(api, metricsToken, viewerToken));
  }
  const summary = (pick: (x: (typeof passes)[number]) => Timing) => {
    const medians = passes.map((x) => median(pick(x).times));
    const last = pick(passes[passes.length - 1]!);
    return {
      median: median(medians),
      medians,
      max: Math.max(...passes.flatMap((x) => pick(x).times)),
      bytes: last.bytes,
      body: last.body,
    };
  };
  return { metrics: summary((x) => x.metrics), cells: summary((x) => x.cells) };
}

function progress(f: Fleet, t0: number): NodeJS.Timeout {
  return setInterval(() => {
    const fails = [...f.dialFailures].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
    const s = ((performance.now() - t0) / 1000).toFixed(0);
    console.error(
      `scrape: ${s} s, ${f.connected()}/${AGENTS} connected, ${f.outbox()} unacknowledged, failed dials: ${fails}`,
    );
  }, 10_000);
}

const seconds = (ms: number) => `${fmt(ms / 1000, 1)} s`;

async function run(): Promise<string> {
  const limit = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim());
  if (limit < AGENTS + 1000) throw new Error(`ulimit -n is ${limit}; raise it above ${AGENTS + 1000}`);
  const dir = tempDir('bench-scrape');
  const dbPath = join(dir, 'hub.db');
  const load = sampleLoad(5_000);
  let hub: Child | undefined;
  let fleet: Fleet | undefined;
  let ticker: NodeJS.Timeout | undefined;
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
      probeIntervalMs: REPORT_MS,
      snapshotIntervalMs: 600_000,
      healthIntervalMs: REPORT_MS,
      keepaliveSec: 60,
      rampMs: Math.min(10_000, AGENTS * 2),
    });
    const f = fleet;
    const t0 = performance.now();
    ticker = progress(f, t0);
    // Connect quietly (each agent's birth and first probe only), then report: with reports on
    // from the start, up to 1,000 msg/s from the agents already connected starved the hub's
    // CONNACKs to those still dialling (CONNACK timeouts, redials), on a shared two-core machine.
    f.quiesce();
    const overflowsBefore = listenOverflows();
    f.start();
    const connectMs = await f
      .until('every agent connected', () => f.connected() === AGENTS, 300_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}: ${f.connected()} of ${AGENTS} connected`);
      });
    const connected = f.connected();
    const overflowsAfter = listenOverflows();
    const overflows =
      overflowsBefore === undefined || overflowsAfter === undefined
        ? 'not readable'
        : fmt(overflowsAfter - overflowsBefore);
    const dials = [...f.dialFailures].map(([k, v]) => `${k} ×${fmt(v)}`).join(', ') || 'none';
    // Two probe and health rounds, so every cell has a diagnosis and outbox figures; then the
    // fleet falls quiet and drains, and the scrapes time the hub alone.
    f.resume();
    await new Promise((r) => setTimeout(r, 2 * REPORT_MS + 5_000));
    f.quiesce();
    const drainMs = await f.until('outboxes drained', () => f.outbox() === 0, 300_000);
    const { metrics, cells } = await timeBoth(api, metricsToken, viewerToken);
    const hubRss = sample(started.child.pid!).rssMB;
    const series = countSeries(metrics.body);
    const promtool = checkWithPromtool(metrics.body);
    if (promtool.ran && !promtool.ok) console.error(`scrape: promtool check metrics:\n${promtool.output}`);
    const l = load.stop();
    const verdict = !promtool.ran
      ? 'promtool was not on PATH (nor /usr/bin/promtool): the body was not checked'
      : promtool.ok
        ? `\`promtool check metrics\` (promtool ${promtool.version}) accepted the last /metrics body: exit 0, no lint problems`
        : `\`promtool check metrics\` (promtool ${promtool.version}) **refused** the last /metrics body: ${promtool.output.split('\n').slice(0, 5).join('; ')}`;
    return `**${fmt(AGENTS)} agents**${AGENTS < FULL ? ` (a trial at a small size; the issue asks for ${fmt(FULL)})` : ''}. ${machine()}; 1-minute load average sampled every 5 s over the run: ${fmt(l.min, 1)} to ${fmt(l.max, 1)}, median ${fmt(l.median, 1)}. ${fmt(AGENTS)} simulated agents (apps/fleetsim: the real agent core) on one hub process (SQLite, embedded broker). The fleet connects quietly (ramp ${seconds(Math.min(10_000, AGENTS * 2))}; each agent sends its birth and a first probe), then probes and reports health every ${seconds(REPORT_MS)} for ${seconds(2 * REPORT_MS + 5_000)} (${fmt((2 * AGENTS * 1000) / REPORT_MS)} msg/s offered), falls quiet and drains; then ${PASSES} passes ${seconds(PASS_GAP_MS)} apart, each of ${RUNS} rounds of one request each, sequential, the order alternating by round. Median: the median of the passes' medians (each pass's median in brackets); slowest: of all ${PASSES * RUNS}.

| phase | result |
|---|---|
| agents connected | **${fmt(connected)} of ${fmt(AGENTS)}** in ${seconds(connectMs)} from the first dial (failed dials: ${dials}; listen queue overflows meanwhile, machine-wide: ${overflows}) |
| reports drained after the fleet fell quiet | ${seconds(drainMs)}; ${fmt(f.counters.published)} messages published, ${fmt(f.counters.acked)} acknowledged by the hub |
| hub RSS at the scrapes | ${fmt(hubRss)} MB |

| request | median | slowest | size | series |
|---|---|---|---|---|
| \`GET /metrics\` (metrics token) | **${fmt(metrics.median)} ms** (${metrics.medians.map((m) => fmt(m)).join(', ')}) | ${fmt(metrics.max)} ms | ${fmt(metrics.bytes / 1024)} KiB | ${fmt(series.all)} (cellfleet_*: ${fmt(series.cellfleet)}, of which certificate expiry per cell: ${fmt(series.certificates)}) |
| \`GET /api/cells\` (baseline: the fleet page's list) | ${fmt(cells.median)} ms (${cells.medians.map((m) => fmt(m)).join(', ')}) | ${fmt(cells.max)} ms | ${fmt(cells.bytes / 1024)} KiB | — |

${verdict}. Each scrape reads every cell's row from the store (CellStore.fleetRows, in apps/hub/src/ops/metrics.ts), so its time grows with the cell count while its size and series do not. Series other than the per-cell certificate gauge are bounded by site × line × group × state/code, not by the cell count. The simulated agents report no certificates, so the certificate series count is 0 here; with real agents it is at most 2 per cell (agent and server).`;
  } finally {
    clearInterval(ticker);
    await fleet?.stop();
    await hub?.kill('SIGKILL');
    removeDir(dir);
  }
}

const section = await run();
// One section whatever the size; a trial does not replace the 10,000-agent numbers.
if (AGENTS >= FULL) writeSection(TITLE, section);
else process.stdout.write(`## ${TITLE} (trial, not written to BENCHMARKS.md)\n\n${section}\n`);
process.exit(0);
