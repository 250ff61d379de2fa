// One simulated agent: the real agent's MQTT behaviour without OPC UA. It dials with a fresh
// session number and a Last Will per connection (Sparkplug-style, like apps/agent's link),
// redials with full-jitter backoff (core/backoff.ts), keeps every message in an in-memory
// outbox until the hub acknowledges it (a PUBACK is not enough: PRODUCT.md "Reliability
// model"), resends the outbox after a reconnect, and answers actions once per action id.
// Its snapshot duty (sim-snapshots.ts) hears of acks and resend requests here and sends
// through the same outbox.
import { backoffDelay, DEFAULT_BACKOFF } from '@cellfleet/core';
import {
  agentSubscriptions,
  type BodyOf,
  buildTopic,
  type CellRef,
  cellId,
  decodeMessage,
  type Envelope,
  encodeMessage,
  MESSAGE_KINDS,
  type MessageKind,
} from '@cellfleet/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { birthBody, envelope } from './messages.ts';
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
  resent: number;
  actionsAnswered: number;
  /** The same action id received again after it was answered (the ledger refused it). */
  actionsRepeated: number;
}

export interface SimAgentDeps {
  /** The broker, parsed once per fleet (mqtt.js would parse a URL string on every dial). */
  readonly broker: { readonly protocol: 'mqtt' | 'mqtts'; readonly host: string; readonly port: number };
  readonly keepaliveSec: number;
  readonly probeIntervalMs: number;
  readonly counters: SimCounters;
  readonly now: () => number;
  readonly random: () => number;
  /** Called with publish → ack time (ms) for every acknowledged message. */
  readonly onAck: (latencyMs: number) => void;
  readonly onConnect: (at: number) => void;
  /** Why a dial failed (an error code, or a close before CONNACK), for load-test reports. */
  readonly onDialFailure?: (reason: string) => void;
}

interface Pending {
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
  readonly firstSentAt: number;
  lastSentAt: number;
}

export interface SimAgent {
  readonly id: string;
  readonly connected: boolean;
  readonly outboxSize: number;
  /** Messages created so far (= the last sequence number used). */
  readonly sent: number;
  start(): void;
  send<K extends MessageKind>(kind: K, body: BodyOf<K>): void;
  /** Sends a message built elsewhere (the snapshot publisher's) under this agent's seq and session. */
  publish(message: Envelope): void;
  /** How often an action id arrived (a redispatch delivers it again; it is answered once). */
  deliveries(actionId: string): number;
  /** Publishes again what has waited for its ack longer than `olderThanMs`. */
  resendStale(olderThanMs: number): void;
  /** Drops the connection without a goodbye (the broker publishes the Will). */
  stop(): Promise<void>;
}

export function createSimAgent(c: SimCredentials, d: SimAgentDeps, snapshots?: SimSnapshots): SimAgent {
  const id = cellId(c.ref);
  const outbox = new Map<string, Pending>();
  const answered = new Set<string>();
  const delivered = new Map<string, number>();
  let client: MqttClient | undefined;
  let connected = false;
  let stopping = false;
  let attempt = 0;
  let session = 0;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;

  function offline(): void {
    if (connected) d.counters.online--;
    connected = false;
  }

  const stamp = () => ({ ref: c.ref, seq: ++seq, session, now: d.now() });

  function put(topic: string, payload: Buffer, retain: boolean): void {
    const cl = client;
    if (!cl || !connected) return;
    cl.publish(topic, payload, { qos: 1, retain }, () => {});
  }

  function send<K extends MessageKind>(kind: K, body: BodyOf<K>): void {
    enqueue(envelope(kind, stamp(), body));
  }

  /** As the real agent does with publisher output: its id and time stay, seq and session are ours. */
  function publish(message: Envelope): void {
    enqueue({ ...message, seq: ++seq, session } as Envelope);
  }

  function enqueue(m: Envelope): void {
    const spec = MESSAGE_KINDS[m.kind];
    const now = d.now();
    const p: Pending = {
      topic: buildTopic(c.ref, spec.channel),
      payload: Buffer.from(encodeMessage(m)),
      retain: spec.retained,
      firstSentAt: now,
      lastSentAt: now,
    };
    outbox.set(m.id, p);
    d.counters.unacked++;
    d.counters.published++;
    put(p.topic, p.payload, p.retain);
  }

  function onMessage(payload: Buffer): void {
    const r = decodeMessage(payload);
    if (!r.ok) return;
    const m = r.message;
    if (m.kind === 'ack') {
      const now = d.now();
      for (const ackId of m.body.ids) {
        const p = outbox.get(ackId);
        if (!p) continue;
        outbox.delete(ackId);
        d.counters.unacked--;
        d.counters.acked++;
        d.onAck(now - p.firstSentAt);
      }
      snapshots?.acknowledged(m.body.ids);
    } else if (m.kind === 'snapshot-resend') {
      for (const r of snapshots?.resend(m.body.endpoint) ?? []) publish(r);
    } else if (m.kind === 'action') {
      const actionId = m.body.action.id;
      delivered.set(actionId, (delivered.get(actionId) ?? 0) + 1);
      if (answered.has(actionId)) {
        d.counters.actionsRepeated++;
        return;
      }
      answered.add(actionId);
      d.counters.actionsAnswered++;
      const at = d.now();
      send('action-result', { actionId, outcome: 'succeeded', startedAt: at, finishedAt: at });
    }
  }

  function dial(): void {
    session++;
    const will = envelope(
      'death',
      { ref: c.ref, seq: 0, session, now: d.now() },
      {
        state: 'offline',
        reason: 'will',
      },
    );
    const cl = mqtt.connect({
      ...d.broker,
      clientId: `fleetsim-${id}`,
      username: id,
      password: c.password,
      keepalive: d.keepaliveSec,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
      will: {
        topic: buildTopic(c.ref, 'state'),
        payload: Buffer.from(encodeMessage(will)),
        qos: 1,
        retain: true,
      },
    });
    client = cl;
    cl.on('connect', () => {
      // Small QoS 1 packets: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms per round trip.
      (cl.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      attempt = 0;
      connected = true;
      d.counters.online++;
      d.counters.connects++;
      d.onConnect(d.now());
      cl.subscribe(agentSubscriptions(c.ref), { qos: 1 });
      // The birth first, then whatever earlier connections left unacknowledged (old births
      // included: their session is stale, so the hub stores them without effect).
      const backlog = [...outbox.values()];
      send('birth', birthBody(c.ref, c.sisterGroup, d.probeIntervalMs));
      for (const p of backlog) {
        p.lastSentAt = d.now();
        d.counters.resent++;
        put(p.topic, p.payload, p.retain);
      }
    });
    cl.on('message', (_topic, payload) => onMessage(payload));
    let failed = false;
    cl.on('error', (err: Error & { code?: string | number }) => {
      if (connected) return;
      d.counters.connectErrors++;
      failed = true;
      d.onDialFailure?.(String(err.code ?? err.message));
    });
    cl.on('close', () => {
      if (client !== cl) return;
      if (!connected && !failed && !stopping) d.onDialFailure?.('closed before CONNACK');
      offline();
      cl.removeAllListeners();
      cl.on('error', () => {});
      cl.end(true);
      client = undefined;
      if (stopping) return;
      const delay = backoffDelay(attempt, d.random(), DEFAULT_BACKOFF);
      attempt++;
      timer = setTimeout(dial, delay);
    });
  }

  return {
    id,
    get connected() {
      return connected;
    },
    get outboxSize() {
      return outbox.size;
    },
    get sent() {
      return seq;
    },
    start: dial,
    send,
    publish,
    deliveries: (actionId) => delivered.get(actionId) ?? 0,
    resendStale(olderThanMs) {
      if (!connected) return;
      const now = d.now();
      for (const p of outbox.values()) {
        if (now - p.lastSentAt < olderThanMs) continue;
        p.lastSentAt = now;
        d.counters.resent++;
        put(p.topic, p.payload, p.retain);
      }
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const cl = client;
      client = undefined;
      offline();
      if (cl) await new Promise<void>((resolve) => cl.end(true, {}, () => resolve()));
    },
  };
}
