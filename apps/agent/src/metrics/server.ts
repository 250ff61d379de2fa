// The agent's own Prometheus metrics, off unless `metrics.port` is set in its config, and then
// on the loopback interface only: a plant's node exporter or a local Prometheus agent may read
// them; nothing off the IPC can. The same key figures reach the hub in every health report, so
// a plant without a scraper on its IPCs still sees them (hub: cellfleet_agent_*).
import { createServer } from 'node:http';
import type { HealthBody } from '@cellfleet/protocol';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** The agent core's link figures (runtime/agent.ts `figures()`). */
export interface LinkFigures {
  readonly connects: number;
  readonly ackRttMs: number | undefined;
  readonly inFlight: number;
}

export interface AgentFigures {
  readonly outbox: () => Pick<HealthBody, 'outboxDepth' | 'outboxBytes' | 'oldestAgeMs'>;
  readonly link: () => LinkFigures;
  readonly connected: () => boolean;
  readonly extras: () => Partial<HealthBody>;
  /** When each endpoint's server certificate expires (ms since epoch), as last presented. */
  readonly serverCerts: () => ReadonlyMap<string, number>;
}

export interface AgentMetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export function agentRegistry(f: AgentFigures): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges prom-client names `…_total`, which `promtool check metrics` refuses (the hub drops them too).
  for (const kind of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`nodejs_active_${kind}_total`);
  const gauge = (name: string, help: string, value: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const v = value();
        if (v !== undefined) this.set(v);
      },
    });
  gauge(
    'cellfleet_agent_outbox_messages',
    'Messages in the outbox not yet acknowledged by the hub',
    () => f.outbox().outboxDepth,
  );
  gauge('cellfleet_agent_outbox_bytes', 'Bytes held in the outbox', () => f.outbox().outboxBytes);
  gauge(
    'cellfleet_agent_outbox_oldest_age_seconds',
    'Age of the oldest unacknowledged message',
    () => f.outbox().oldestAgeMs / 1000,
  );
  gauge('cellfleet_agent_connected', '1 while connected to the hub’s broker', () => (f.connected() ? 1 : 0));
  gauge('cellfleet_agent_connects', 'Connections to the broker made since start', () => f.link().connects);
  gauge(
    'cellfleet_agent_messages_in_flight',
    'Messages sent and waiting for their ack',
    () => f.link().inFlight,
  );
  gauge('cellfleet_agent_ack_rtt_seconds', 'Mean publish → ack time lately', () => {
    const ms = f.link().ackRttMs;
    return ms === undefined ? undefined : ms / 1000;
  });
  const seconds = (at: number | undefined) => (at === undefined ? undefined : at / 1000);
  gauge(
    'cellfleet_agent_certificate_expiry_timestamp_seconds',
    'When the agent’s own certificate expires (Unix time)',
    () => seconds(f.extras().agentCertNotAfter),
  );
  // Labelled by endpoint (at most 64, from the config): an endpoint not yet probed has no series.
  new Gauge({
    name: 'cellfleet_agent_server_certificate_expiry_timestamp_seconds',
    help: 'When the server certificate each endpoint last presented expires (Unix time)',
    labelNames: ['endpoint'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [endpoint, at] of f.serverCerts()) this.set({ endpoint }, at / 1000);
    },
  });
  return registry;
}

/** Listens on 127.0.0.1:port (0 picks one) and answers GET /metrics. */
export async function startAgentMetrics(port: number, registry: Registry): Promise<AgentMetricsServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve());
  });
  const a = server.address();
  return {
    url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
