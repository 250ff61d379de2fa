// The agent: probes its endpoints on an interval and delivers every result to the hub through
// the outbox. Built from its dependencies — the outbox, the link, the probe, the timers — so the
// `run` command hands it the durable outbox and the MQTT link, and the fleet simulator runs
// thousands of the same core over in-memory outboxes and its own scheduler.
import {
  type AckBody,
  type AgentInvocation,
  type ClientConfig,
  cellId,
  createEnvelope,
  decodeMessage,
  type EndpointConfig,
  type Envelope,
  encodeMessage,
  formatIssues,
  type HealthBody,
  type ProbeBody,
  topicOf,
} from '@cellfleet/protocol';
import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/load.ts';
import type { ConnectLink, Link } from '../link/mqtt-link.ts';
import type { Outbox } from '../outbox/outbox.ts';

/** Probes an endpoint as the agent, or as one of its listed cell clients (issue 17). */
export type ProbeFn = (
  endpoint: EndpointConfig,
  timeoutMs: number,
  client?: ClientConfig,
) => Promise<ProbeBody>;
export type CommandHandler = (message: Envelope) => void;

/** Snapshots after each probe cycle (runtime/snapshots.ts); optional so tests can leave it out. */
export interface SnapshotDuty {
  /** Snapshot the endpoints that probed ok; returns the messages to send (hash, delta or full copy). */
  takeAll(probes: readonly ProbeBody[]): Promise<Envelope[]>;
  acknowledged(ids: readonly string[]): void;
  /** The hub asked for a full copy of one endpoint's snapshot. */
  resend(endpoint: string): Envelope[];
}

/** The agent's recurring work, by name, so a scheduler of many agents can tell them apart. */
export type AgentTask = 'probe' | 'resend' | 'health';
export interface AgentTimers {
  /** Runs `fn` every `ms` until the returned function is called. */
  every(task: AgentTask, ms: number, fn: () => void): () => void;
}

/** One interval per task (unref'd: they never keep a process alive). */
export const REAL_TIMERS: AgentTimers = {
  every(_task, ms, fn) {
    const t = setInterval(fn, ms).unref();
    return () => clearInterval(t);
  },
};

export interface AgentDeps {
  /** Identity, endpoints, probe interval and timeout (the rest of the config is the link's). */
  readonly config: Pick<ResolvedConfig, 'identity' | 'endpoints' | 'probe'>;
  readonly outbox: Outbox;
  /** Makes the connection to the hub once the agent's session and handlers exist (mqttLink for MQTT). */
  readonly link: ConnectLink;
  readonly timers?: AgentTimers;
  readonly probe: ProbeFn;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly now?: () => number;
  readonly version?: string;
  /** How this agent was started, reported in its birth so the hub's fix steps are exact. */
  readonly invocation?: AgentInvocation;
  /** Handles hub commands other than snapshot resends (actions). */
  readonly onCommand?: CommandHandler;
  /**
   * An `action` for this cell whose body fails the schema: handed over unvalidated so the
   * executor can refuse it (invalid-action) and tell the hub, instead of silently dropping it.
   */
  readonly onInvalidAction?: (body: unknown) => void;
  readonly snapshots?: SnapshotDuty;
  /** Resend unacknowledged messages after this long without an ack (default 10 s). */
  readonly ackTimeoutMs?: number;
  readonly healthIntervalMs?: number;
  /** Process figures added to each health report (uptime, memory, certificate expiry). */
  readonly healthExtras?: () => Partial<HealthBody>;
}

/** What the agent knows about its link, for its health report and its /metrics. */
export interface LinkFigures {
  /** Connections made since start. */
  readonly connects: number;
  /** Mean publish → ack time of the messages acknowledged since the last health report. */
  readonly ackRttMs: number | undefined;
  readonly inFlight: number;
}

export interface Agent {
  start(): void;
  /** Queues any message durably (its seq and session are assigned here) and sends it. */
  publish(message: Envelope): void;
  /** Probes every endpoint now and queues the results; resolves when they are queued. */
  probeNow(): Promise<void>;
  /** Queues a message for the hub through the durable outbox (action results, action probes). */
  send<K extends 'probe' | 'capture' | 'action-result'>(
    kind: K,
    body: Parameters<typeof createEnvelope<K>>[0]['body'],
  ): void;
  stop(): Promise<void>;
  readonly link: Link;
  figures(): LinkFigures;
}

const MAX_IN_FLIGHT = 500;

export function createAgent(d: AgentDeps): Agent {
  const now = d.now ?? Date.now;
  const { identity } = d.config;
  const cell = cellId(identity);
  const log = withCell(d.logger, cell);
  const inFlight = new Map<string, number>();
  const cancels: Array<() => void> = [];
  let session = 0;
  let stopped = false;
  let connects = 0;
  const rtt = { sum: 0, n: 0, last: undefined as number | undefined };
  let probing: Promise<void> | undefined;

  const envelope = <K extends Parameters<typeof createEnvelope>[0]['kind']>(
    kind: K,
    body: Parameters<typeof createEnvelope<K>>[0]['body'],
    seq = 0,
  ) => createEnvelope({ kind, id: d.newId(), cell, ts: now(), seq, session, body });

  const link = d.link({
    prepareSession: () => {
      session = d.outbox.nextSession(now());
      const death = envelope('death', { state: 'offline', reason: 'will' });
      return {
        session,
        will: { topic: topicOf(identity, 'death'), payload: encodeMessage(death), retain: true },
      };
    },
    onConnect: () => {
      inFlight.clear(); // a new connection resends everything not yet acknowledged
      connects++;
      enqueue('birth', {
        state: 'online',
        identity,
        agentVersion: d.version ?? '0.1.0',
        // The birth's schema wants at least a second; a simulator may probe faster.
        probeIntervalMs: Math.max(1000, d.config.probe.intervalMs),
        endpoints: d.config.endpoints.map((e) => ({ name: e.name, url: e.url })),
        ...(d.invocation ? { invocation: d.invocation } : {}),
      });
    },
    onMessage: (topic, payload) => receive(topic, payload),
  });

  function enqueue<K extends 'birth' | 'probe' | 'capture' | 'health' | 'action-result'>(
    kind: K,
    body: Parameters<typeof envelope<K>>[1],
  ): void {
    d.outbox.enqueue((seq) => envelope(kind, body, seq), now());
    flush();
  }

  function publish(message: Envelope): void {
    d.outbox.enqueue((seq) => ({ ...message, seq, session }) as Envelope, now());
    flush();
  }

  function flush(): void {
    if (!link.connected || stopped) return;
    const room = MAX_IN_FLIGHT - inFlight.size;
    if (room <= 0) return;
    for (const m of d.outbox.pending(MAX_IN_FLIGHT)) {
      if (inFlight.has(m.id)) continue;
      if (inFlight.size >= MAX_IN_FLIGHT) break;
      inFlight.set(m.id, now());
      link.publish(topicOf(identity, m.kind), m.payload, m.retained).catch(() => inFlight.delete(m.id));
    }
  }

  function receive(topic: string, payload: Uint8Array): void {
    const decoded = decodeMessage(payload);
    if (!decoded.ok) {
      log.warn({ topic, problem: formatIssues(decoded.issues) }, 'ignored an invalid message from the hub');
      const raw = invalidAction(payload);
      if (raw?.cell === cell) d.onInvalidAction?.(raw.body);
      return;
    }
    const m = decoded.message;
    if (m.cell !== cell) {
      log.warn({ topic, target: m.cell }, 'ignored a message addressed to another cell');
      return;
    }
    if (m.kind === 'ack') onAck(m.body);
    else if (m.kind === 'snapshot-resend')
      for (const r of d.snapshots?.resend(m.body.endpoint) ?? []) publish(r);
    else d.onCommand?.(m);
  }

  function onAck(body: AckBody): void {
    d.outbox.ack(body.ids);
    d.snapshots?.acknowledged(body.ids);
    const at = now();
    for (const id of body.ids) {
      const sentAt = inFlight.get(id);
      if (sentAt !== undefined) {
        rtt.sum += at - sentAt;
        rtt.n++;
      }
      inFlight.delete(id);
    }
    flush();
  }

  /** Messages the hub has not acknowledged in time go out again (ingest is idempotent by id). */
  function resendStale(): void {
    const limit = now() - (d.ackTimeoutMs ?? 10_000);
    let stale = 0;
    for (const [id, sentAt] of inFlight) {
      if (sentAt < limit) {
        inFlight.delete(id);
        stale++;
      }
    }
    if (stale > 0) {
      log.info({ stale }, 'resending messages the hub has not acknowledged');
      flush();
    }
  }

  async function probeAll(): Promise<void> {
    const done: ProbeBody[] = [];
    for (const endpoint of d.config.endpoints) {
      if (stopped) return;
      const body = await d
        .probe(endpoint, d.config.probe.timeoutMs)
        .catch((err: Error) => failedProbe(endpoint, err, now()));
      if (stopped) return;
      log.info(
        { endpoint: endpoint.name, code: body.diagnosis.code, ms: Math.round(body.durationMs) },
        'probe done',
      );
      enqueue('probe', body);
      done.push(body);
      for (const client of endpoint.clients ?? []) {
        if (stopped) return;
        const asClient = await d
          .probe(endpoint, d.config.probe.timeoutMs, client)
          .catch((err: Error) => failedProbe(endpoint, err, now(), client));
        if (stopped) return;
        log.info(
          { endpoint: endpoint.name, client: client.name, code: asClient.diagnosis.code },
          'client probe done',
        );
        enqueue('probe', asClient);
      }
    }
    if (!d.snapshots || stopped) return;
    const messages = await d.snapshots.takeAll(done).catch((err: Error) => {
      log.warn({ err: err.message }, 'snapshot failed');
      return [];
    });
    for (const m of messages) if (!stopped) publish(m);
  }

  function probeNow(): Promise<void> {
    probing ??= probeAll().finally(() => {
      probing = undefined;
    });
    return probing;
  }

  const timers = d.timers ?? REAL_TIMERS;
  const every = (task: AgentTask, ms: number, fn: () => void) => cancels.push(timers.every(task, ms, fn));

  return {
    link,
    probeNow,
    publish,
    send: (kind, body) => enqueue(kind, body),
    figures: () => ({
      connects,
      ackRttMs: rtt.n > 0 ? rtt.sum / rtt.n : rtt.last,
      inFlight: inFlight.size,
    }),
    start() {
      link.start();
      void probeNow();
      every('probe', d.config.probe.intervalMs, () => void probeNow());
      every('resend', Math.max(1000, Math.min(5000, d.ackTimeoutMs ?? 10_000)), resendStale);
      every('health', d.healthIntervalMs ?? 60_000, () => {
        d.outbox.expire(now());
        if (rtt.n > 0) rtt.last = rtt.sum / rtt.n;
        rtt.sum = 0;
        rtt.n = 0;
        enqueue('health', {
          ...d.outbox.stats(now()),
          ...d.healthExtras?.(),
          connects,
          ...(rtt.last === undefined ? {} : { ackRttMs: Math.round(rtt.last * 10) / 10 }),
        });
      });
    },
    async stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      await probing?.catch(() => {});
      const death = envelope('death', { state: 'offline', reason: 'shutdown' });
      await link.stop({ topic: topicOf(identity, 'death'), payload: encodeMessage(death), retain: true });
    },
  };
}

/** The logger with the cell id on every line, bound once (run.ts may have bound it already). */
export function withCell(logger: Logger, cell: string): Logger {
  return logger.bindings()['cell'] === cell ? logger : logger.child({ cell });
}

/** A probe function that threw is itself a result worth reporting, never a crash. */
function failedProbe(endpoint: EndpointConfig, err: Error, at: number, client?: ClientConfig): ProbeBody {
  return {
    endpoint: endpoint.name,
    url: client?.url ?? endpoint.url,
    ...(client
      ? {
          client: {
            name: client.name,
            securityPolicy: client.securityPolicy,
            securityMode: client.securityMode,
            userTokenType: client.userTokenType,
            keyAvailable: false,
            unproven: [],
            ...(client.label ? { label: client.label } : {}),
          },
        }
      : {}),
    ok: false,
    startedAt: at,
    durationMs: 0,
    steps: [],
    diagnosis: { code: 'unknown', severity: 'error', summary: `probe failed: ${err.message}`.slice(0, 1024) },
    findings: [],
  };
}

/** The envelope fields of an `action` message that failed validation, if it is one. */
function invalidAction(payload: Uint8Array): { cell: unknown; body: unknown } | undefined {
  try {
    const v = JSON.parse(new TextDecoder().decode(payload)) as {
      kind?: unknown;
      cell?: unknown;
      body?: unknown;
    };
    return v?.kind === 'action' ? { cell: v.cell, body: v.body } : undefined;
  } catch {
    return undefined;
  }
}
