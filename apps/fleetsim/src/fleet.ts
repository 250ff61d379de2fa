// A fleet of simulated agents in one process, each the real agent core (sim-agent.ts). One
// scheduler interval drives every agent's recurring work — probes (with a snapshot when due),
// resends, health (10,000 agents would otherwise need 30,000 timers) — each task at a random
// phase so the load is spread like a real plant's. All cells share one base configuration
// (sim-config.ts), so 10,000 snapshots cost one shallow map each.
import type { AgentTask, AgentTimers, BrokerAddress } from '@cellfleet/agent';
import { cellId } from '@cellfleet/protocol';
import pino from 'pino';
import { createSimAgent, type SimAgent, type SimCounters, type SimCredentials } from './sim-agent.ts';
import { DEFAULT_SNAPSHOT_ENTRIES, simBase, simConfiguration } from './sim-config.ts';
import { createSimSnapshots } from './sim-snapshots.ts';
import { createRecorder, type Recorder } from './stats.ts';

export interface FleetOptions {
  readonly url: string;
  readonly agents: readonly SimCredentials[];
  /** Per agent; a real plant probes about once a minute. */
  readonly probeIntervalMs: number;
  /** Per agent; an unchanged snapshot costs one hash, every 5 minutes in a real plant. */
  readonly snapshotIntervalMs: number;
  /** Entries of each cell's synthetic snapshot (default 50). */
  readonly snapshotEntries?: number;
  /** Probability per snapshot cycle that a cell's configuration changes one value (default 0.02). */
  readonly driftRate?: number;
  /** 0 = no health reports. */
  readonly healthIntervalMs?: number;
  readonly keepaliveSec?: number;
  /** First connections are spread over this long (ms) instead of all at once. */
  readonly rampMs?: number;
  /** Unacknowledged messages are published again after this long (ms, default 15 s). */
  readonly resendAfterMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface Fleet {
  readonly agents: readonly SimAgent[];
  readonly counters: SimCounters;
  /** publish → hub ack, which the hub sends only after the store committed the message. */
  readonly ackLatency: Recorder;
  /** When each connection succeeded (ms), for connection-rate figures. */
  readonly connectTimes: number[];
  /** Failed dials by reason (error code, or "closed before CONNACK"). */
  readonly dialFailures: Map<string, number>;
  connected(): number;
  outbox(): number;
  /** Starts every agent (spread over rampMs) and the scheduler. */
  start(): void;
  /** No new messages from now on; unacknowledged ones are still resent (to drain outboxes). */
  quiesce(): void;
  /**
   * New messages again after quiesce(), each task at a fresh random phase (not all the work
   * that fell due while quiet at once). Quiesce before start(), resume once all are connected:
   * a large fleet's first connections then do not compete with its reports.
   */
  resume(): void;
  /** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
  until(what: string, predicate: () => boolean, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}

export const DEFAULT_DRIFT_RATE = 0.02;

export function createFleet(o: FleetOptions): Fleet {
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const counters: SimCounters = {
    connects: 0,
    online: 0,
    unacked: 0,
    connectErrors: 0,
    published: 0,
    acked: 0,
    actionsAnswered: 0,
    actionsRepeated: 0,
    snapshotsFull: 0,
    snapshotsDelta: 0,
    snapshotsHash: 0,
    resendsAnswered: 0,
  };
  const ackLatency = createRecorder();
  const connectTimes: number[] = [];
  const dialFailures = new Map<string, number>();
  const driftRate = o.driftRate ?? DEFAULT_DRIFT_RATE;
  if (!(driftRate >= 0 && driftRate <= 1))
    throw new RangeError(`fleet: driftRate ${driftRate} is not in 0..1`);
  const base = simBase(o.snapshotEntries ?? DEFAULT_SNAPSHOT_ENTRIES);
  const snapshots = o.agents.map((c) => {
    const cell = cellId(c.ref);
    const config = simConfiguration(base, cell);
    return createSimSnapshots({ cell, config, driftRate, counters, now, random });
  });
  let quiet = false;
  const tasks: Array<{ task: AgentTask; ms: number; fn: () => void; next: number; cancelled: boolean }> = [];
  const timers: AgentTimers = {
    every(task, ms, fn) {
      // No health reports when the fleet was asked for none.
      if (task === 'health' && !o.healthIntervalMs) return () => {};
      const entry = { task, ms, fn, next: now() + random() * ms, cancelled: false };
      tasks.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
  };
  function schedule(): void {
    const t = now();
    for (const e of tasks) {
      // Quiet: nothing new, but what is unacknowledged still goes out again (outboxes drain).
      if (e.cancelled || t < e.next || (quiet && e.task !== 'resend')) continue;
      e.next = t + e.ms;
      e.fn();
    }
  }
  const deps = {
    broker: parseBroker(o.url),
    keepaliveSec: o.keepaliveSec ?? 30,
    probeIntervalMs: o.probeIntervalMs,
    snapshotIntervalMs: o.snapshotIntervalMs,
    healthIntervalMs: o.healthIntervalMs ?? 0,
    resendAfterMs: o.resendAfterMs ?? 15_000,
    counters,
    now,
    random,
    timers,
    logger: pino({ level: 'silent' }),
    onAck: (ms: number) => ackLatency.add(ms),
    onConnect: (at: number) => connectTimes.push(at),
    onDialFailure: (reason: string) => dialFailures.set(reason, (dialFailures.get(reason) ?? 0) + 1),
  };
  const agents = o.agents.map((c, i) => createSimAgent(c, deps, snapshots[i]));
  const startTimers: NodeJS.Timeout[] = [];

  return {
    agents,
    counters,
    ackLatency,
    connectTimes,
    dialFailures,
    connected: () => counters.online,
    outbox: () => counters.unacked,
    start() {
      const ramp = o.rampMs ?? 0;
      agents.forEach((a, i) => {
        if (ramp === 0) a.start();
        else startTimers.push(setTimeout(() => a.start(), (i / agents.length) * ramp));
      });
      startTimers.push(setInterval(schedule, 100));
    },
    quiesce() {
      quiet = true;
    },
    resume() {
      if (!quiet) return;
      quiet = false;
      const t = now();
      for (const e of tasks) e.next = t + random() * e.ms;
    },
    async until(what, predicate, timeoutMs) {
      const started = now();
      while (!predicate()) {
        if (now() - started > timeoutMs)
          throw new Error(`fleet: timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return now() - started;
    },
    async stop() {
      for (const t of startTimers) clearTimeout(t);
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}

function parseBroker(url: string): BrokerAddress {
  const u = new URL(url);
  if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') throw new Error(`fleet: not an MQTT URL: ${url}`);
  const protocol = u.protocol === 'mqtts:' ? ('mqtts' as const) : ('mqtt' as const);
  return { protocol, host: u.hostname, port: Number(u.port || (protocol === 'mqtts' ? 8883 : 1883)) };
}
