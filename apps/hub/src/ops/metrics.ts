// The hub's Prometheus metrics (prom-client, text format 0.0.4), named after Prometheus' naming
// guide (prometheus.io/docs/practices/naming): base units in names, `_total` on counters, and
// labels with bounded values only. Fleet figures are read from the stores when Prometheus
// scrapes, so every replica reports the same fleet; counters and histograms are what this
// process saw (ingest, the broker, probe timings, action results, notification deliveries).
//
// Cardinality at 10,000 cells: labels are site/line/group (enrollment decides them), a state
// from a fixed list, a diagnosis code from core's DIAGNOSIS_CODES (anything else is "other"),
// a ladder step from STEP_NAMES. The one exception is cellfleet_certificate_expiry_timestamp_seconds, one
// series per cell and certificate kind (agent, server): at most 2 × cells (20,000 at 10,000
// cells), because the issue asks for the certificate table per cell.
import { DIAGNOSIS_CODES, STEP_NAMES } from '@cellfleet/core';
import type { Envelope } from '@cellfleet/protocol';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { FleetRow } from '../cells/index.ts';
import type { IngestStats } from '../ingest/pipeline.ts';

export interface MetricSources {
  readonly fleet: () => Promise<readonly FleetRow[]>;
  readonly actionsByState: () => Promise<Record<string, number>>;
  /** Cells that differ from their sisters, per group (cached by the caller). */
  readonly outliersByGroup: () => Promise<Record<string, number>>;
  readonly ingest: () => IngestStats;
  readonly broker: () =>
    | { readonly connections: number; readonly refusals: Readonly<Record<string, number>> }
    | undefined;
  readonly notifications: () => Promise<{ readonly pending: number; readonly failed: number }>;
}

export interface HubMetrics {
  /** The exposition text, with the fleet read now. */
  render(): Promise<string>;
  readonly contentType: string;
  /** What a stored message tells the metrics (probe timings, agent ack round trips, action results). */
  observe(message: Envelope): void;
  /** Hub side: arrival → ack of one message. */
  observeAck(ms: number): void;
  /** One notification delivery attempt. */
  observeDelivery(channelKind: string, outcome: 'sent' | 'failed'): void;
}

const CODES = new Set<string>(DIAGNOSIS_CODES);
const STEPS = new Set<string>(STEP_NAMES);
/** Probe and step durations: a DNS answer in ms to a 30 s timeout. */
const PROBE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type CellState = 'healthy' | 'faulted' | 'offline' | 'unprobed';

/** One word for a cell: offline wins, then its last probe. */
export function cellStateOf(r: FleetRow): CellState {
  if (!r.online) return 'offline';
  if (!r.probe) return 'unprobed';
  return r.probe.ok ? 'healthy' : 'faulted';
}

export function createHubMetrics(src: MetricSources): HubMetrics {
  const registry = processRegistry();
  const reg = [registry];
  const place = ['site', 'line', 'group'] as const;
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: reg });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: reg });
  const histogram = <L extends string>(
    name: string,
    help: string,
    buckets: number[],
    labelNames: readonly L[] = [],
  ) => new Histogram<L>({ name, help, buckets, labelNames, registers: reg });

  const cells = gauge('cellfleet_cells', 'Enrolled cells by state (healthy, faulted, offline, unprobed)', [
    ...place,
    'state',
  ]);
  const faults = gauge(
    'cellfleet_cell_faults',
    "Online cells whose last probe failed, by diagnosis code (codes outside core's list are 'other')",
    [...place, 'code'],
  );
  const connected = gauge(
    'cellfleet_agents_connected',
    'Agents whose cell is online (birth seen, no death since)',
  );
  const outboxDepth = gauge(
    'cellfleet_agent_outbox_messages',
    'Messages waiting in the agents’ outboxes, summed per site/line/group (last health report)',
    place,
  );
  const outboxAge = gauge(
    'cellfleet_agent_outbox_oldest_age_seconds',
    'Age of the oldest unacknowledged message in any agent’s outbox, per site/line/group',
    place,
  );
  const certExpiry = gauge(
    'cellfleet_certificate_expiry_timestamp_seconds',
    'When a certificate expires (Unix time), per cell; kind is agent or server',
    ['cell', ...place, 'kind'],
  );
  const actions = gauge('cellfleet_actions', 'Actions by state', ['state']);
  const outliers = gauge(
    'cellfleet_comparison_outlier_cells',
    'Cells whose configuration differs from their sister group’s baseline',
    ['group'],
  );
  const brokerConnections = gauge(
    'cellfleet_broker_connections',
    'MQTT connections to the embedded broker (agents and the hub’s own link)',
  );
  const refusals = counter(
    'cellfleet_broker_refusals_total',
    'Connections (bad credentials) and packets (publish, subscribe outside the ACL) the embedded broker refused',
    ['reason'],
  );
  // Counted by the ingest pipeline and the broker (their stats, monotonic for the process);
  // copied into these counters at scrape time.
  const ingestTotals = {
    received: counter('cellfleet_ingest_messages_received_total', 'MQTT messages ingest received'),
    stored: counter('cellfleet_ingest_messages_stored_total', 'Messages stored for the first time'),
    duplicate: counter(
      'cellfleet_ingest_messages_duplicate_total',
      'Resent messages already stored (acknowledged again)',
    ),
  };
  const rejected = counter(
    'cellfleet_ingest_messages_rejected_total',
    'Messages ingest refused, by reason (topic, direction, schema, cell-mismatch, channel)',
    ['reason'],
  );
  const notifyPending = gauge(
    'cellfleet_notifications_pending',
    'Notifications waiting for delivery (including those being retried)',
  );
  const notifyFailed = gauge(
    'cellfleet_notifications_failed',
    'Notifications given up on after their retries',
  );
  const deliveries = counter(
    'cellfleet_notification_deliveries_total',
    'Notification delivery attempts by channel kind and outcome',
    ['channel', 'outcome'],
  );
  const probeSeconds = histogram(
    'cellfleet_probe_duration_seconds',
    'Whole probe duration as the agents measured it',
    PROBE_BUCKETS,
  );
  const stepSeconds = histogram(
    'cellfleet_probe_step_duration_seconds',
    'Probe ladder step duration as the agents measured it',
    PROBE_BUCKETS,
    ['step'],
  );
  const ackSeconds = histogram(
    'cellfleet_ingest_ack_seconds',
    'Hub side: from a message’s arrival to its ack (batching, the store’s commit)',
    ACK_BUCKETS,
  );
  const rttSeconds = histogram(
    'cellfleet_agent_ack_rtt_seconds',
    'End to end: an agent’s publish to the hub’s ack, as each agent reports it in its health',
    ACK_BUCKETS,
  );
  const results = counter(
    'cellfleet_action_results_total',
    'Action results the agents reported, by outcome',
    ['outcome'],
  );

  async function refresh(): Promise<void> {
    const [fleet, byState, groupOutliers, notify] = await Promise.all([
      src.fleet(),
      src.actionsByState(),
      src.outliersByGroup(),
      src.notifications(),
    ]);
    for (const g of [cells, faults, outboxDepth, outboxAge, certExpiry, actions, outliers]) g.reset();
    let online = 0;
    const oldest = new Map<string, { where: { site: string; line: string; group: string }; age: number }>();
    for (const r of fleet) {
      const where = { site: r.site, line: r.line, group: r.sisterGroup };
      const state = cellStateOf(r);
      cells.inc({ ...where, state });
      if (r.online) online++;
      if (state === 'faulted' && r.probe)
        faults.inc({ ...where, code: CODES.has(r.probe.code) ? r.probe.code : 'other' });
      const h = r.health;
      if (!h) continue;
      outboxDepth.inc(where, h.outboxDepth);
      const key = `${r.site}\u0000${r.line}\u0000${r.sisterGroup}`;
      const age = h.oldestAgeMs / 1000;
      if ((oldest.get(key)?.age ?? -1) < age) oldest.set(key, { where, age });
      if (h.agentCertNotAfter !== undefined)
        certExpiry.set({ cell: r.id, ...where, kind: 'agent' }, h.agentCertNotAfter / 1000);
      if (h.serverCertNotAfter !== undefined)
        certExpiry.set({ cell: r.id, ...where, kind: 'server' }, h.serverCertNotAfter / 1000);
    }
    for (const { where, age } of oldest.values()) outboxAge.set(where, age);
    connected.set(online);
    for (const [state, n] of Object.entries(byState)) actions.set({ state }, n);
    for (const [group, n] of Object.entries(groupOutliers)) outliers.set({ group }, n);
    const broker = src.broker();
    if (broker) {
      brokerConnections.set(broker.connections);
      refusals.reset();
      for (const [reason, n] of Object.entries(broker.refusals)) refusals.inc({ reason }, n);
    }
    const s = src.ingest();
    copy(ingestTotals.received, s.received);
    copy(ingestTotals.stored, s.stored);
    copy(ingestTotals.duplicate, s.duplicates);
    rejected.reset();
    for (const [reason, n] of Object.entries(s.rejectedBy)) rejected.inc({ reason }, n);
    notifyPending.set(notify.pending);
    notifyFailed.set(notify.failed);
  }

  return {
    contentType: registry.contentType,
    async render() {
      await refresh();
      return registry.metrics();
    },
    observe(m) {
      switch (m.kind) {
        case 'probe': {
          probeSeconds.observe(m.body.durationMs / 1000);
          for (const step of m.body.steps)
            if (STEPS.has(step.name)) stepSeconds.observe({ step: step.name }, step.ms / 1000);
          return;
        }
        case 'health':
          if (m.body.ackRttMs !== undefined) rttSeconds.observe(m.body.ackRttMs / 1000);
          return;
        case 'action-result':
          results.inc({ outcome: m.body.outcome });
          return;
        default:
          return;
      }
    },
    observeAck: (ms) => ackSeconds.observe(ms / 1000),
    observeDelivery: (channel, outcome) => deliveries.inc({ channel, outcome }),
  };
}

/** A counter whose total is kept elsewhere (a stats object that only grows): set to it. */
function copy(c: Counter, total: number): void {
  c.reset();
  c.inc(total);
}

/**
 * A registry with prom-client's process metrics, less the three gauges it names `…_total`
 * (nodejs_active_handles_total and the like), which `promtool check metrics` refuses: a
 * `_total` suffix promises a counter. Their per-type siblings (nodejs_active_handles) stay.
 */
export function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ])
    registry.removeSingleMetric(name);
  return registry;
}
