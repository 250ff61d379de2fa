// 10,000 simulated agents on one hub process (embedded aedes + SQLite), issue 7:
//  0. baseline, same run: the same fleet against a bare aedes with the hub's transport settings
//     and an acker that stores nothing (bench/lib/raw-acker.ts), to separate what the hub costs
//     per connection from what the simulator and the shared machine allow;
//  1. steady state at a real plant's rate (a probe per minute, a snapshot hash every 5 minutes
//     per agent): hub RSS and CPU over a 60 s window;
//  2. reconnect storm: the hub is SIGKILLed and restarted on the same ports; time until every
//     agent is connected again and its outbox drained, the peak and the per-second profile of
//     the connection rate.
// 10,000 sockets on each side need `ulimit -n` above 10,000 (this machine: see the report).
// The whole run is bounded (BUDGET_MS): a step that does not finish fails the bench with what
// it had reached, and every child process is killed.

import { execSync } from 'node:child_process';
import { join } from 'node:path';
import {
  createFleet,
  enrollFleet,
  type Fleet,
  peakPerSecond,
  type SimCredentials,
} from '@cellfleet/fleetsim';
import { withCellStore } from '@cellfleet/hub';
import { freePort, removeDir, tempDir } from '@cellfleet/testkit';
import { type Child, cpuPercent, type ProcSample, sample, startChild } from './lib/proc.ts';
import { fmt, machine, ratio, writeSection } from './lib/report.ts';

const AGENTS = Number(process.env['CELLFLEET_BENCH_AGENTS'] ?? 10_000);
const STEADY_S = Number(process.env['CELLFLEET_BENCH_STEADY_S'] ?? 60);
const RAMP_MS = 10_000;
/** bench/main.ts kills a bench after 8 minutes; this one stops itself well before. */
const BUDGET_MS = 330_000;
const deadline = Date.now() + BUDGET_MS;

/** Waits for `predicate` within `capMs` and what is left of the budget; the error says how far it got. */
async function step(
  fleet: Fleet,
  what: string,
  predicate: () => boolean,
  capMs: number,
  server?: Child,
): Promise<number> {
  const ms = Math.min(capMs, deadline - Date.now());
  if (ms <= 0) throw new Error(`fleet bench: out of its ${BUDGET_MS / 1000} s budget before "${what}"`);
  try {
    return await fleet.until(what, predicate, ms);
  } catch {
    const failures = [...fleet.dialFailures].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
    throw new Error(
      `fleet bench: "${what}" not reached within ${fmt(ms / 1000)} s: ${fmt(fleet.connected())}/${fmt(AGENTS)} connected, ` +
        `${fmt(fleet.outbox())} messages unacknowledged, failed dials: ${failures}` +
        (server
          ? `; hub ${server.child.exitCode === null && server.child.signalCode === null ? 'running' : `exited (${server.child.exitCode ?? server.child.signalCode})`}, its output: ${server.output().slice(-3000)}`
          : ''),
    );
  }
}

const newFleet = (url: string, agents: readonly SimCredentials[]) =>
  createFleet({
    url,
    agents,
    probeIntervalMs: 60_000,
    snapshotIntervalMs: 300_000,
    keepaliveSec: 60,
    rampMs: RAMP_MS,
  });

const simSample = (): ProcSample => {
  const u = process.cpuUsage();
  return { at: Date.now(), cpuSec: (u.user + u.system) / 1e6, rssMB: 0, peakRssMB: 0 };
};

interface ConnectResult {
  readonly ms: number;
  readonly peak: number;
  readonly serverCpu: number;
  readonly simCpu: number;
}

/** Starts the fleet, waits until every agent is connected and its birth acknowledged. */
async function connectAll(fleet: Fleet, pid: number): Promise<ConnectResult> {
  const s0 = sample(pid);
  const m0 = simSample();
  const t0 = Date.now();
  fleet.start();
  const progress = setInterval(
    () => process.stdout.write(`  connected ${fleet.connected()}/${AGENTS}, unacked ${fleet.outbox()}\n`),
    5000,
  );
  try {
    await step(fleet, 'all connected', () => fleet.connected() === AGENTS, 150_000);
  } finally {
    clearInterval(progress);
  }
  const ms = Date.now() - t0;
  const s1 = sample(pid);
  const m1 = simSample();
  await step(fleet, 'births acknowledged', () => fleet.outbox() < AGENTS / 100, 60_000);
  return {
    ms,
    peak: peakPerSecond(fleet.connectTimes),
    serverCpu: cpuPercent(s0, s1),
    simCpu: cpuPercent(m0, m1),
  };
}

/** Connections per second from `from` on, one figure per second: the shape of the storm. */
function perSecond(times: readonly number[], from: number): number[] {
  const out: number[] = [];
  for (const t of times) {
    const i = Math.floor((t - from) / 1000);
    while (out.length <= i) out.push(0);
    out[i]!++;
  }
  return out;
}

export async function runFleetBench(): Promise<string> {
  const limit = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim());
  if (limit < AGENTS + 1000)
    throw new Error(`ulimit -n is ${limit}; raise it above ${AGENTS + 1000} (ulimit -n 65536)`);
  const dir = tempDir('bench-fleet');
  const dbPath = join(dir, 'hub.db');
  const children = new Set<Child>();
  const fleets: Fleet[] = [];
  try {
    const agents = await withCellStore({ dbPath }, (cells) => enrollFleet(cells, { agents: AGENTS }));

    // 0. Baseline: bare aedes + non-storing acker, same fleet, same ramp.
    process.stdout.write(`baseline: bare aedes, ${AGENTS} agents\n`);
    const raw = await startChild('bench/lib/raw-acker.ts', ['--embedded'], /raw-acker ready (\S+)/);
    children.add(raw);
    const baseFleet = newFleet(raw.match[1]!, agents);
    fleets.push(baseFleet);
    const base = await connectAll(baseFleet, raw.child.pid!);
    await baseFleet.stop();
    await raw.kill('SIGKILL');
    children.delete(raw);

    // 1. The hub: first connection, births, steady load.
    const mqttPort = await freePort();
    const start = async () => {
      const c = await startChild(
        'apps/hub/src/main.ts',
        ['serve', '--db', dbPath, '--http-port', '0', '--mqtt-port', String(mqttPort), '--log-level', 'warn'],
        /broker (mqtt:\S+)/,
      );
      children.add(c);
      return c;
    };
    const startedAt = Date.now();
    let hub = await start();
    const firstStart = Date.now() - startedAt;
    const idle = sample(hub.child.pid!);
    process.stdout.write(`hub: ${AGENTS} agents\n`);
    const fleet = newFleet(`mqtt://127.0.0.1:${mqttPort}`, agents);
    fleets.push(fleet);
    const first = await connectAll(fleet, hub.child.pid!);
    const a = sample(hub.child.pid!);
    const acked0 = fleet.counters.acked;
    const published0 = fleet.counters.published;
    fleet.ackLatency.reset();
    await new Promise((r) => setTimeout(r, STEADY_S * 1000));
    const b = sample(hub.child.pid!);
    const steadyRate = (fleet.counters.acked - acked0) / STEADY_S;
    // What the simulated agents actually published in the window: the real agent core decides
    // when a snapshot falls due, so the offered rate is measured, not only computed.
    const publishedRate = (fleet.counters.published - published0) / STEADY_S;
    const p50 = fleet.ackLatency.quantile(0.5);
    const p99 = fleet.ackLatency.quantile(0.99);

    // 2. Reconnect storm.
    process.stdout.write('storm: hub SIGKILLed and restarted\n');
    await hub.kill('SIGKILL');
    children.delete(hub);
    const killedAt = Date.now();
    const m0 = simSample();
    const failedBefore = new Map(fleet.dialFailures);
    hub = await start();
    const upAt = Date.now();
    const h0 = sample(hub.child.pid!);
    const before = fleet.connectTimes.length;
    await step(fleet, 'all reconnected', () => fleet.connected() === AGENTS, 120_000, hub);
    const allBack = Date.now() - killedAt;
    const h1 = sample(hub.child.pid!);
    const m1 = simSample();
    await step(fleet, 'outboxes drained', () => fleet.outbox() === 0, 60_000);
    const drained = Date.now() - killedAt;
    const storm = fleet.connectTimes.slice(before);
    const shape = perSecond(storm, killedAt);
    const after = sample(hub.child.pid!);
    const failed = [...fleet.dialFailures]
      .map(([k, n]) => [k, n - (failedBefore.get(k) ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ×${fmt(n)}`);

    const s = (ms: number) => `${fmt(ms / 1000, 1)} s`;
    return [
      `${machine()}. ${fmt(AGENTS)} simulated agents (apps/fleetsim) in one process, one hub process (embedded aedes + SQLite), \`ulimit -n\` ${limit}. Baseline, same run: the same fleet against bare aedes (no auth, ACL or store; the hub's listen backlog, TCP_NODELAY and retained-message index) and an acker that stores nothing (bench/lib/raw-acker.ts).`,
      '',
      '| measure | hub | baseline / goal |',
      '|---|---|---|',
      `| first connection of all agents (ramp ${RAMP_MS / 1000} s, 1,000 dials/s offered) | ${s(first.ms)} | bare aedes: ${s(base.ms)} (${ratio(first.ms, base.ms)}) |`,
      `| peak connection rate, first connection | ${fmt(first.peak)} conn/s | bare aedes: ${fmt(base.peak)} conn/s |`,
      `| CPU while connecting (server / simulator) | ${fmt(first.serverCpu)} % / ${fmt(first.simCpu)} % of one core | bare aedes: ${fmt(base.serverCpu)} % / ${fmt(base.simCpu)} % |`,
      `| steady load (probe/min + snapshot/5 min per agent: a hash, or a delta for the 2 % that drifted; each agent sent its 50-entry configuration in full when it first connected) | ${fmt(steadyRate, 1)} msg/s stored | ${fmt(publishedRate, 1)} msg/s published in the same window (nominal ${fmt(AGENTS / 60 + AGENTS / 300, 1)}) |`,
      `| hub CPU over ${STEADY_S} s steady | ${fmt(cpuPercent(a, b), 1)} % of one core | — |`,
      `| hub RSS steady | ${fmt(b.rssMB)} MB (peak ${fmt(b.peakRssMB)} MB) | idle hub before agents: ${fmt(idle.rssMB)} MB → ${fmt(((b.rssMB - idle.rssMB) * 1024) / AGENTS, 1)} KB per agent |`,
      `| end-to-end ack latency at steady load | p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms | — |`,
      `| storm: hub SIGKILLed → restarted and ready (its broker accepts agents earlier, while the rest starts) | ${s(upAt - killedAt)} | first start, before the agents: ${s(firstStart)} |`,
      `| storm: kill → all ${fmt(AGENTS)} connected again | ${s(allBack)} | goal ≤ 60 s |`,
      `| storm: kill → every outbox drained (births stored, online) | ${s(drained)} | — |`,
      `| storm: peak connection rate | ${fmt(Math.max(0, ...shape))} conn/s | research anchor: aedes 1.8–4.4k conn/s plain TCP on this VM class |`,
      `| storm: CPU from restart to all connected (hub / simulator) | ${fmt(cpuPercent(h0, h1))} % / ${fmt(cpuPercent(m0, m1))} % of one core | — |`,
      `| hub RSS after the storm | ${fmt(after.rssMB)} MB | — |`,
      '',
      `Storm connections per second from the kill: ${shape.map((n) => fmt(n)).join(', ')}. Failed dials from the kill to all connected: ${failed.join(', ') || 'none'}.`,
      '',
      "What limited connections before (profiles with `--cpu-prof` of hub, bare aedes and simulator, 3,000–10,000 agents): aedes-persistence scanned every retained message for every SUBSCRIBE filter, and every agent retains its birth, so each connection cost 2 × N topic matches (~60 % of hub CPU at 3,000 agents, quadratic in N; bare aedes has the same scan); and the MQTT listen backlog of 511 overflowed in bursts (53,140 ListenOverflows in one 10,000-agent run: SYN retransmits, resets, CONNACK timeouts). With both fixed (apps/hub/src/broker/embedded.ts) the hub connects about as fast as bare aedes in the same run; what is left is the simulator (10,000 mqtt.js clients) and the hub sharing two cores with other work, not the hub's per-connection code (authentication is ~0.15 ms per connection: SQLite lookup + SHA-256).",
      '',
      'Agents redial with full-jitter backoff (base 200 ms, cap 30 s; core/backoff.ts), so the storm is spread over the backoff ceilings reached while the hub was down.',
      '',
      'A storm once killed the restarted hub: aedes\' internal emitter, at its default limit of 100 messages in flight, queued the burst of connect notices and drained them by recursion ("Maximum call stack size exceeded", 0 of 10,000 back after 120 s). The hub now runs the emitter without that limit (EMITTER_CONCURRENCY in apps/hub/src/broker/embedded.ts, with a test that reproduces the overflow at aedes\' default); the baseline uses the same setting.',
    ].join('\n');
  } finally {
    await Promise.all(fleets.map((f) => f.stop()));
    await Promise.all([...children].map((c) => c.kill('SIGKILL')));
    removeDir(dir);
  }
}

if (import.meta.main)
  writeSection('10,000 agents on one hub: steady load and reconnect storm', await runFleetBench());
