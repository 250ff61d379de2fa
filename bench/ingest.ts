// Ingest throughput and end-to-end latency, each next to its baseline (issue 7):
//   embedded: aedes + SQLite hub        vs  bare aedes + a subscriber that stores nothing
//   scale-out: Mosquitto + PostgreSQL + 2 hub replicas  vs  Mosquitto + the same non-storing subscriber
// Load: 200 simulated agents (apps/fleetsim). Throughput: a burst of 100 probe results per
// agent, timed until every one is acknowledged (the hub acks only after commit). Latency: 200
// probes/s for 8 s, publish → ack, which bounds "visible in the API" from above by one hop.

import { join } from 'node:path';
import { createFleet, enrollFleet, probeBody, type SimCredentials, simCell } from '@cellfleet/fleetsim';
import { withCellStore, writeMosquittoFiles } from '@cellfleet/hub';
import { removeDir, startMosquitto, startPostgres, tempDir } from '@cellfleet/testkit';
import { type Child, sample, startChild } from './lib/proc.ts';
import { fmt, machine, ratio, writeSection } from './lib/report.ts';

const AGENTS = 200;
const BURST = 100;
const LATENCY_S = 5;

interface Result {
  readonly perSec: number;
  /** CPU time the measured server processes spent on the burst, µs per message. */
  readonly cpuUsPerMsg: number;
  readonly p50: number;
  readonly p99: number;
}

async function measure(
  url: string,
  agents: readonly SimCredentials[],
  pids: readonly number[],
): Promise<Result> {
  const fleet = createFleet({ url, agents, probeIntervalMs: 1e9, snapshotIntervalMs: 1e9, rampMs: 500 });
  try {
    fleet.start();
    await fleet.until('connected', () => fleet.connected() === agents.length, 30_000);
    await fleet.until('births acknowledged', () => fleet.outbox() === 0, 30_000);
    const cpu = () => pids.reduce((sum, pid) => sum + sample(pid).cpuSec, 0);
    const cpu0 = cpu();
    const t0 = Date.now();
    for (let i = 0; i < BURST; i++) for (const a of fleet.agents) a.send('probe', probeBody(Date.now()));
    await fleet.until('burst acknowledged', () => fleet.outbox() === 0, 180_000);
    const perSec = (AGENTS * BURST) / ((Date.now() - t0) / 1000);
    const cpuUsPerMsg = ((cpu() - cpu0) * 1e6) / (AGENTS * BURST);
    fleet.ackLatency.reset();
    let k = 0;
    const tick = setInterval(() => {
      for (let j = 0; j < 10; j++)
        fleet.agents[k++ % fleet.agents.length]!.send('probe', probeBody(Date.now()));
    }, 50);
    await new Promise((r) => setTimeout(r, LATENCY_S * 1000));
    clearInterval(tick);
    await fleet.until('latency phase acknowledged', () => fleet.outbox() === 0, 60_000);
    return { perSec, cpuUsPerMsg, p50: fleet.ackLatency.quantile(0.5), p99: fleet.ackLatency.quantile(0.99) };
  } finally {
    await fleet.stop();
  }
}

const row = (name: string, r: Result, base: Result | undefined) =>
  `| ${name} | ${fmt(r.perSec)} | ${base ? ratio(r.perSec, base.perSec) : '1.00× (baseline)'} | ${fmt(r.cpuUsPerMsg)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} |`;

export async function runIngestBench(): Promise<string> {
  const dir = tempDir('bench-ingest');
  const children: Child[] = [];
  const pg = await startPostgres();
  try {
    // Embedded: raw aedes, then the hub.
    const fake = Array.from({ length: AGENTS }, (_, i) => ({
      ref: simCell(i),
      sisterGroup: 'g',
      password: 'x',
    }));
    const raw = await startChild('bench/lib/raw-acker.ts', ['--embedded'], /raw-acker ready (\S+)/);
    children.push(raw);
    const rawEmbedded = await measure(raw.match[1]!, fake, [raw.child.pid!]);
    await raw.kill();
    const dbPath = join(dir, 'hub.db');
    const embeddedAgents = await withCellStore({ dbPath }, (cells) => enrollFleet(cells, { agents: AGENTS }));
    const hub = await startChild(
      'apps/hub/src/main.ts',
      ['serve', '--db', dbPath, '--http-port', '0', '--mqtt-port', '0', '--log-level', 'warn'],
      /broker (mqtt:\S+)/,
    );
    children.push(hub);
    const embedded = await measure(hub.match[1]!, embeddedAgents, [hub.child.pid!]);
    await hub.kill();

    // Scale-out: Mosquitto + the raw subscriber, then Mosquitto + PostgreSQL + 2 replicas.
    const pgUrl = await pg.createDatabase('bench');
    const { agents, files } = await withCellStore({ pgUrl, poolMax: 2 }, async (cells) => ({
      agents: await enrollFleet(cells, { agents: AGENTS }),
      files: await writeMosquittoFiles(cells, join(dir, 'broker')),
    }));
    const mosquitto = await startMosquitto(dir, files);
    const hubPassword = (await import('node:fs')).readFileSync(files.hubPasswordFile, 'utf8').trim();
    const rawM = await startChild(
      'bench/lib/raw-acker.ts',
      ['--url', mosquitto.url, '--user', files.hubUsername, `--password=${hubPassword}`, '--share', 'hub'],
      /raw-acker ready/,
    );
    children.push(rawM);
    const rawMosquitto = await measure(mosquitto.url, agents, [rawM.child.pid!]);
    await rawM.kill();
    const replicas: Child[] = [];
    for (let i = 0; i < 2; i++) {
      // Everything in PostgreSQL: the replicas keep no state of their own.
      const args = ['serve', '--http-port', '0', '--log-level', 'warn'];
      const ext = ['--broker-url', mosquitto.url, '--broker-user', files.hubUsername];
      const more = [
        '--broker-password-file',
        files.hubPasswordFile,
        '--share-group',
        'hub',
        '--pg-url',
        pgUrl,
      ];
      replicas.push(await startChild('apps/hub/src/main.ts', [...args, ...ext, ...more], /API http/));
    }
    children.push(...replicas);
    const scaleout = await measure(
      mosquitto.url,
      agents,
      replicas.map((r) => r.child.pid!),
    );
    await Promise.all(children.map((c) => c.kill()));
    await mosquitto.stop();

    const body = [
      `${machine()}. ${AGENTS} simulated agents; throughput = a burst of ${fmt(AGENTS * BURST)} probe results until all are acknowledged; latency = publish → end-to-end ack (sent after commit) at 200 msg/s for ${LATENCY_S} s.`,
      '',
      '| setup | stored msg/s | vs baseline | server CPU µs/msg | p50 ms | p99 ms |',
      '|---|---|---|---|---|---|',
      row('baseline: bare aedes + non-storing subscriber', rawEmbedded, undefined),
      row('embedded hub: aedes + SQLite', embedded, rawEmbedded),
      row('baseline: Mosquitto + non-storing subscriber', rawMosquitto, undefined),
      row('scale-out: Mosquitto + PostgreSQL + 2 replicas', scaleout, rawMosquitto),
      '',
      `Goal: ingest at least half the raw broker throughput (≥ 0.50×). Research anchor (shared/research/perf-reliability.md §1.1): aedes 36–72k msg/s QoS1 100 B with one publisher and one subscriber; here every message is also validated, stored and acknowledged back to its agent.`,
    ].join('\n');
    return body;
  } finally {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    await pg.stop();
    removeDir(dir);
  }
}

if (import.meta.main) writeSection('Ingest throughput and latency', await runIngestBench());
