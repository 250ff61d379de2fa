// Ingest throughput and end-to-end latency, each next to its baseline (issue 7):
//   embedded: aedes + SQLite hub        vs  bare aedes + a subscriber that stores nothing
//   scale-out: Mosquitto + PostgreSQL + 2 hub replicas  vs  Mosquitto + the same non-storing subscriber
// Load: 200 simulated agents (apps/fleetsim). Throughput: a burst of 100 probe results per
// agent, timed until every one is acknowledged (the hub acks only after commit). Latency: 200
// probes/s for 8 s, publish → ack, which bounds "visible in the API" from above by one hop.
// The baseline acknowledges as the hub does (raw-acker.ts); baseline and hub both run for the
// whole setup and are measured in turn, REPS times, alternating which goes first; medians.

import { join } from 'node:path';
import { createFleet, enrollFleet, probeBody, type SimCredentials, simCell } from '@cellfleet/fleetsim';
import { INGEST_BATCH, withCellStore, writeMosquittoFiles } from '@cellfleet/hub';
import { removeDir, startMosquitto, startPostgres, tempDir } from '@cellfleet/testkit';
import { type Child, sample, startChild } from './lib/proc.ts';
import { fmt, machine, ratio, writeSection } from './lib/report.ts';

const AGENTS = 200;
const BURST = 100;
const LATENCY_S = 5;
const REPS = 3;

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

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Each field's median over the runs. */
const medianOf = (rs: readonly Result[]): Result => ({
  perSec: median(rs.map((r) => r.perSec)),
  cpuUsPerMsg: median(rs.map((r) => r.cpuUsPerMsg)),
  p50: median(rs.map((r) => r.p50)),
  p99: median(rs.map((r) => r.p99)),
});

type Target = { url: string; agents: readonly SimCredentials[]; pids: readonly number[] };

/** A setup started for one measurement and stopped after it (baseline and hub may share a share group). */
type Setup = () => Promise<{ target: Target; stop(): Promise<void> }>;

/** Baseline and hub measured in turn, REPS times, alternating which goes first. */
async function paired(baseline: Setup, hub: Setup, label: string): Promise<[Result, Result]> {
  const runs = { baseline: [] as Result[], hub: [] as Result[] };
  for (let r = 0; r < REPS; r++) {
    const order = r % 2 === 0 ? (['baseline', 'hub'] as const) : (['hub', 'baseline'] as const);
    for (const which of order) {
      const { target: t, stop } = await (which === 'baseline' ? baseline : hub)();
      try {
        runs[which].push(await measure(t.url, t.agents, t.pids));
      } finally {
        await stop();
      }
    }
  }
  process.stderr.write(
    `ingest ${label}: baseline ${runs.baseline.map((x) => Math.round(x.perSec))} hub ${runs.hub.map((x) => Math.round(x.perSec))} msg/s\n`,
  );
  return [medianOf(runs.baseline), medianOf(runs.hub)];
}

const row = (name: string, r: Result, base: Result | undefined) =>
  `| ${name} | ${fmt(r.perSec)} | ${base ? ratio(r.perSec, base.perSec) : '1.00× (baseline)'} | ${fmt(r.cpuUsPerMsg)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} |`;

export async function runIngestBench(): Promise<string> {
  const dir = tempDir('bench-ingest');
  const children: Child[] = [];
  const pg = await startPostgres();
  try {
    // Embedded: raw aedes, and the hub on SQLite.
    const fake = Array.from({ length: AGENTS }, (_, i) => ({
      ref: simCell(i),
      sisterGroup: 'g',
      password: 'x',
    }));
    const started = async (c: Child, target: Omit<Target, 'pids'>, more: Child[] = []) => {
      children.push(c, ...more);
      const all = [c, ...more];
      return {
        target: { ...target, pids: all.map((x) => x.child.pid!) },
        stop: async () => void (await Promise.all(all.map((x) => x.kill()))),
      };
    };
    const dbPath = join(dir, 'hub.db');
    const embeddedAgents = await withCellStore({ dbPath }, (cells) => enrollFleet(cells, { agents: AGENTS }));
    const [rawEmbedded, embedded] = await paired(
      async () => {
        const raw = await startChild('bench/lib/raw-acker.ts', ['--embedded'], /raw-acker ready (\S+)/);
        return started(raw, { url: raw.match[1]!, agents: fake });
      },
      async () => {
        const hub = await startChild(
          'apps/hub/src/main.ts',
          ['serve', '--db', dbPath, '--http-port', '0', '--mqtt-port', '0', '--log-level', 'warn'],
          /broker (mqtt:\S+)/,
        );
        return started(hub, { url: hub.match[1]!, agents: embeddedAgents });
      },
      'embedded',
    );

    // Scale-out: Mosquitto + the raw subscriber, and Mosquitto + PostgreSQL + 2 replicas; both
    // subscribe in the share group `hub`, so only one of them runs at a time.
    const pgUrl = await pg.createDatabase('bench');
    const { agents, files } = await withCellStore({ pgUrl, poolMax: 2 }, async (cells) => ({
      agents: await enrollFleet(cells, { agents: AGENTS }),
      files: await writeMosquittoFiles(cells, join(dir, 'broker')),
    }));
    const mosquitto = await startMosquitto(dir, files);
    const hubPassword = (await import('node:fs')).readFileSync(files.hubPasswordFile, 'utf8').trim();
    const [rawMosquitto, scaleout] = await paired(
      async () => {
        const rawM = await startChild(
          'bench/lib/raw-acker.ts',
          [
            '--url',
            mosquitto.url,
            '--user',
            files.hubUsername,
            `--password=${hubPassword}`,
            '--share',
            'hub',
          ],
          /raw-acker ready/,
        );
        return started(rawM, { url: mosquitto.url, agents });
      },
      async () => {
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
        return started(replicas[0]!, { url: mosquitto.url, agents }, replicas.slice(1));
      },
      'scale-out',
    );
    await mosquitto.stop();

    const body = [
      `${machine()}. ${REPS} runs of each, baseline and hub in turn (alternating which goes first), medians. The baseline acknowledges as the hub does: batches of ${INGEST_BATCH.max} messages or ${INGEST_BATCH.ms} ms, one ack per cell per batch (bench/lib/raw-acker.ts). ${AGENTS} simulated agents; throughput = a burst of ${fmt(AGENTS * BURST)} probe results until all are acknowledged; latency = publish → end-to-end ack (sent after commit) at 200 msg/s for ${LATENCY_S} s.`,
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
