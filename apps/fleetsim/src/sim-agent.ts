// One simulated agent: the real agent core (createAgent from @cellfleet/agent — sessions and the
// Last Will, the MQTT link with full-jitter redials, resends until the hub acknowledges, birth
// and health) over an in-memory outbox, with a synthetic probe and snapshot duty instead of
// OPC UA, and actions answered once per action id as the agent's ledger would. What the fleet
// counts is read from the outbox and the link as they work.
import {
  type Agent,
  type AgentTimers,
  type BrokerAddress,
  createAgent,
  createMemoryOutbox,
  mqttLink,
  type Outbox,
  type SnapshotDuty,
} from '@cellfleet/agent';
import { agentSubscriptions, type CellRef, cellId, type Envelope } from '@cellfleet/protocol';
import type { Logger } from 'pino';
import { probeBody, SIM_AGENT_VERSION, SIM_ENDPOINT } from './messages.ts';
import type { SimSnapshots, SnapshotCounters } from './sim-snapshots.ts';

export interface SimCredentials {
  readonly ref: CellRef;
  readonly sisterGroup: string;
  readonly password: string;
}

/** What the fleet counts; one object shared by all agents of a fleet. */
export interface SimCounters extends SnapshotCounters {
  connects: number;
  /** Agents connected now; kept by the agents so a fleet of 10,000 need not be scanned. */
  online: number;
  /** Messages sent and not yet acknowledged, over all agents. */
  unacked: number;
  connectErrors: number;
  published: number;
  acked: number;
  actionsAnswered: number;
  /** The same action id received again after it was answered (the ledger refused it). */
  actionsRepeated: number;
}

export interface SimAgentDeps {
  /** The broker, parsed once per fleet (mqtt.js would parse a URL string on every dial). */
  readonly broker: BrokerAddress;
  readonly keepaliveSec: number;
  readonly probeIntervalMs: number;
  /** How often a probe cycle also snapshots (a real plant: every 5 minutes). */
  readonly snapshotIntervalMs: number;
  readonly healthIntervalMs: number;
  /** Unacknowledged messages go out again after this long. */
  readonly resendAfterMs: number;
  readonly counters: SimCounters;
  readonly now: () => number;
  readonly random: () => number;
  /** The fleet's one scheduler for every agent's recurring work. */
  readonly timers: AgentTimers;
  readonly logger: Logger;
  /** Called with publish → ack time (ms) for every acknowledged message. */
  readonly onAck: (latencyMs: number) => void;
  readonly onConnect: (at: number) => void;
  /** Why a dial failed (an error code, or a close before CONNACK), for load-test reports. */
  readonly onDialFailure?: (reason: string) => void;
}

export interface SimAgent {
  readonly id: string;
  readonly connected: boolean;
  readonly outboxSize: number;
  /** Messages created so far (= the last sequence number used). */
  readonly sent: number;
  start(): void;
  /** Queues a probe result or an action result, as the agent does. */
  send: Agent['send'];
  /** Sends a message built elsewhere (the snapshot publisher's) under this agent's seq and session. */
  publish(message: Envelope): void;
  /** How often an action id arrived (a redispatch delivers it again; it is answered once). */
  deliveries(actionId: string): number;
  /** Says goodbye to the hub (a clean death) and closes. */
  stop(): Promise<void>;
}

const OUTBOX = { maxMessages: 100_000, maxBytes: 256 * 1024 * 1024, maxAgeMs: 7 * 24 * 3600_000 };

/** The in-memory outbox, counting what the fleet reports: published, acknowledged, ack latency. */
function countingOutbox(d: SimAgentDeps): Outbox & { readonly sent: number } {
  const inner = createMemoryOutbox(OUTBOX);
  const sentAt = new Map<string, number>();
  let sent = 0;
  return {
    ...inner,
    get sent() {
      return sent;
    },
    enqueue(build, now) {
      const m = inner.enqueue(build, now);
      sent = m.seq;
      sentAt.set(m.id, now);
      d.counters.published++;
      d.counters.unacked++;
      return m;
    },
    ack(ids) {
      const now = d.now();
      for (const id of ids) {
        const at = sentAt.get(id);
        if (at === undefined) continue;
        sentAt.delete(id);
        d.counters.unacked--;
        d.counters.acked++;
        d.onAck(now - at);
      }
      return inner.ack(ids);
    },
  };
}

/** Snapshots on the probe cycle that falls due, as the real duty does after each probe cycle. */
function snapshotDuty(s: SimSnapshots, d: SimAgentDeps): SnapshotDuty {
  let next = d.now() + d.random() * d.snapshotIntervalMs;
  return {
    async takeAll() {
      const t = d.now();
      if (t < next) return [];
      next = t + d.snapshotIntervalMs;
      return s.cycle();
    },
    acknowledged: (ids) => s.acknowledged(ids),
    resend: (endpoint) => s.resend(endpoint),
  };
}

export function createSimAgent(c: SimCredentials, d: SimAgentDeps, snapshots?: SimSnapshots): SimAgent {
  const id = cellId(c.ref);
  const outbox = countingOutbox(d);
  const delivered = new Map<string, number>();
  let connected = false;
  let agent: Agent | undefined;
  const identity = { ...c.ref, sisterGroup: c.sisterGroup };
  const core = createAgent({
    config: {
      identity,
      endpoints: [SIM_ENDPOINT],
      probe: { intervalMs: Math.max(1, Math.round(d.probeIntervalMs)), timeoutMs: 5000 },
    },
    outbox,
    link: mqttLink({
      url: d.broker,
      username: id,
      password: c.password,
      clientId: `fleetsim-${id}`,
      keepaliveSec: d.keepaliveSec,
      subscriptions: agentSubscriptions(identity),
      logger: d.logger,
      random: d.random,
      events: {
        connected() {
          connected = true;
          d.counters.online++;
          d.counters.connects++;
          d.onConnect(d.now());
        },
        disconnected() {
          connected = false;
          d.counters.online--;
        },
        dialFailed(reason) {
          d.counters.connectErrors++;
          d.onDialFailure?.(reason);
        },
      },
    }),
    timers: d.timers,
    probe: async () => probeBody(d.now()),
    ...(snapshots ? { snapshots: snapshotDuty(snapshots, d) } : {}),
    logger: d.logger,
    newId: () => crypto.randomUUID(),
    now: d.now,
    version: SIM_AGENT_VERSION,
    ackTimeoutMs: d.resendAfterMs,
    healthIntervalMs: d.healthIntervalMs,
    onCommand(m) {
      if (m.kind !== 'action') return;
      const actionId = m.body.action.id;
      const times = (delivered.get(actionId) ?? 0) + 1;
      delivered.set(actionId, times);
      if (times > 1) {
        d.counters.actionsRepeated++;
        return;
      }
      d.counters.actionsAnswered++;
      const at = d.now();
      agent?.send('action-result', { actionId, outcome: 'succeeded', startedAt: at, finishedAt: at });
    },
  });
  agent = core;
  return {
    id,
    get connected() {
      return connected;
    },
    get outboxSize() {
      return outbox.stats(0).outboxDepth;
    },
    get sent() {
      return outbox.sent;
    },
    start: () => core.start(),
    send: (kind, body) => core.send(kind, body),
    publish: (m) => core.publish(m),
    deliveries: (actionId) => delivered.get(actionId) ?? 0,
    stop: () => core.stop(),
  };
}
