import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEnvelope } from '@cellfleet/protocol';
import type { FleetRow } from '../cells/index.ts';
import { cellStateOf, createHubMetrics, type MetricSources } from './metrics.ts';

const NOW = 1_700_000_000_000;
const DAY = 86_400_000;
const row = (id: string, o: Partial<FleetRow> = {}): FleetRow => ({
  id: `plant1.lineA.${id}`,
  site: 'plant1',
  line: 'lineA',
  cell: id,
  sisterGroup: 'presses',
  online: true,
  since: 1,
  probe: { ok: true, code: 'ok', severity: 'ok' },
  health: null,
  ...o,
});
const health = (o: object) => ({
  outboxDepth: 0,
  outboxBytes: 0,
  oldestAgeMs: 0,
  droppedForSize: 0,
  droppedForAge: 0,
  ...o,
});

function sources(fleet: FleetRow[], o: Partial<MetricSources> = {}): MetricSources {
  return {
    fleet: async () => fleet,
    actionsByState: async () => ({ dispatched: 2, completed: 5 }),
    outliersByGroup: async () => ({ presses: 1 }),
    ingest: () => ({
      received: 10,
      stored: 8,
      duplicates: 1,
      rejected: 1,
      rejectedBy: { topic: 0, direction: 0, schema: 1, 'cell-mismatch': 0, channel: 0 },
    }),
    broker: () => ({ connections: 3, refusals: { credentials: 2, publish: 0, subscribe: 1 } }),
    notifications: async () => ({ pending: 1, failed: 0 }),
    ...o,
  };
}

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test('cell state: offline wins, then the last probe', () => {
  assert.equal(
    cellStateOf(row('a', { online: false, probe: { ok: false, code: 'port-closed', severity: 'error' } })),
    'offline',
  );
  assert.equal(cellStateOf(row('a', { probe: null })), 'unprobed');
  assert.equal(
    cellStateOf(row('a', { probe: { ok: false, code: 'port-closed', severity: 'error' } })),
    'faulted',
  );
  assert.equal(cellStateOf(row('a')), 'healthy');
});

test('fleet figures are read at scrape time, aggregated per site/line/group', async () => {
  const fleet = [
    row('p1'),
    row('p2', {
      probe: { ok: false, code: 'port-closed', severity: 'error' },
      health: health({ outboxDepth: 4, oldestAgeMs: 9000 }),
    }),
    row('p3', {
      probe: { ok: false, code: 'evil-code-from-a-hostile-agent', severity: 'error' },
      health: health({ outboxDepth: 1, oldestAgeMs: 2000, agentCertNotAfter: NOW + 10 * DAY }),
    }),
    row('p4', { online: false }),
  ];
  const m = createHubMetrics(sources(fleet));
  const text = await m.render();
  const where = 'site="plant1",line="lineA",group="presses"';
  assert.equal(value(text, `cellfleet_cells{${where},state="healthy"}`), 1);
  assert.equal(value(text, `cellfleet_cells{${where},state="faulted"}`), 2);
  assert.equal(value(text, `cellfleet_cells{${where},state="offline"}`), 1);
  assert.equal(value(text, `cellfleet_cell_faults{${where},code="port-closed"}`), 1);
  assert.equal(
    value(text, `cellfleet_cell_faults{${where},code="other"}`),
    1,
    'unknown codes do not become labels',
  );
  assert.doesNotMatch(text, /evil-code/);
  assert.equal(value(text, 'cellfleet_agents_connected'), 3);
  assert.equal(value(text, `cellfleet_agent_outbox_messages{${where}}`), 5, 'summed');
  assert.equal(value(text, `cellfleet_agent_outbox_oldest_age_seconds{${where}}`), 9, 'the oldest');
  assert.equal(
    value(
      text,
      `cellfleet_certificate_expiry_timestamp_seconds{cell="plant1.lineA.p3",${where},kind="agent"}`,
    ),
    (NOW + 10 * DAY) / 1000,
  );
  assert.equal(value(text, 'cellfleet_actions{state="dispatched"}'), 2);
  assert.equal(value(text, 'cellfleet_comparison_outlier_cells{group="presses"}'), 1);
  assert.equal(value(text, 'cellfleet_ingest_messages_received_total'), 10);
  assert.equal(value(text, 'cellfleet_ingest_messages_rejected_total{reason="schema"}'), 1);
  assert.match(text, /# TYPE cellfleet_ingest_messages_received_total counter/);
  assert.equal(value(text, 'cellfleet_broker_refusals_total{reason="credentials"}'), 2);
  assert.equal(value(text, 'cellfleet_notifications_pending'), 1);

  // The next scrape sees the fleet as it is then: a recovered cell leaves no stale series.
  fleet[1] = row('p2');
  const again = await m.render();
  assert.equal(value(again, `cellfleet_cell_faults{${where},code="port-closed"}`), undefined);
  assert.equal(value(again, `cellfleet_cells{${where},state="healthy"}`), 2);
});

test('probe, health and action-result messages feed the histograms and counters', async () => {
  const m = createHubMetrics(sources([]));
  const cell = 'plant1.lineA.p1';
  m.observe(
    createEnvelope({
      kind: 'probe',
      id: 'm-00000001',
      cell,
      ts: NOW,
      body: {
        endpoint: 'plc',
        url: 'opc.tcp://x:4840',
        ok: true,
        startedAt: NOW,
        durationMs: 120,
        steps: [
          { name: 'tcp', ok: true, ms: 30 },
          { name: 'not-a-step', ok: true, ms: 1 },
        ],
        diagnosis: { code: 'ok', severity: 'ok', summary: 'ok' },
        findings: [],
      },
    }),
  );
  m.observe(
    createEnvelope({ kind: 'health', id: 'm-00000002', cell, ts: NOW, body: health({ ackRttMs: 40 }) }),
  );
  m.observe(
    createEnvelope({
      kind: 'action-result',
      id: 'm-00000003',
      cell,
      ts: NOW,
      body: { actionId: 'a-0000000000000001', outcome: 'rolled-back' },
    }),
  );
  m.observeAck(15);
  m.observeDelivery('webhook', 'failed');
  const text = await m.render();
  assert.equal(value(text, 'cellfleet_probe_duration_seconds_count'), 1);
  assert.equal(value(text, 'cellfleet_probe_step_duration_seconds_bucket{le="0.05",step="tcp"}'), 1);
  assert.doesNotMatch(text, /not-a-step/);
  assert.equal(value(text, 'cellfleet_agent_ack_rtt_seconds_sum'), 0.04);
  assert.equal(value(text, 'cellfleet_action_results_total{outcome="rolled-back"}'), 1);
  assert.equal(value(text, 'cellfleet_ingest_ack_seconds_count'), 1);
  assert.equal(value(text, 'cellfleet_notification_deliveries_total{channel="webhook",outcome="failed"}'), 1);
  assert.match(text, /^process_cpu_seconds_total /m);
});
