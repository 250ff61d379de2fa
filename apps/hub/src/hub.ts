// The hub, built by a function from its configuration (CONVENTIONS: an app is built by a
// function, started by one small file). buildHub() opens the database and wires the services,
// ingest and the HTTP API without opening a port; start() starts the broker side, listens and
// starts the loops; stop() undoes both. serve.ts calls them for `cellfleet-hub serve`; tests,
// the demo and the benchmarks call them in-process.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createEnvelope, type HubConfig } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildsDirOf } from './actions/builds.ts';
import type { Failpoint } from './actions/failpoints.ts';
import { startScheduler } from './actions/scheduler.ts';
import { type BrokerConnection, connectBroker } from './broker/connect.ts';
import { DEFAULT_INGEST_BUDGET } from './broker/guard.ts';
import { cellSender } from './broker/send.ts';
import { agentAuthenticator } from './cells/secrets.ts';
import { openHubDatabase } from './db/open.ts';
import { DEFAULT_SAMPLE_INTERVAL_MS, startTrendSampler } from './history/index.ts';
import { buildHttp } from './http.ts';
import { createIngest, type Ingest, type IngestStats } from './ingest/pipeline.ts';
import { createRouter } from './ingest/router.ts';
import { ingestRoutes } from './ingest-routes.ts';
import { UsageError } from './kernel/errors.ts';
import { createRejectLog, type RejectLog } from './kernel/reject-log.ts';
import { cellsEventOf, createLiveBus, type LiveBus } from './live/live.ts';
import { bridgeLiveBus, type PgBridge } from './live/pg-bridge.ts';
import { type NotifyService, openNotifyService, startDeliveryLoop } from './notify/index.ts';
import { createHubMetrics, type HubMetrics } from './ops/metrics.ts';
import { cachedOutliers } from './ops/outliers.ts';
import { listenMetrics, type MetricsListener } from './ops/routes.ts';
import { createServices, type Services } from './services.ts';
import { startComparisonPreload } from './snapshots/preload.ts';

export interface HubDeps {
  readonly logger: Logger;
  readonly now?: () => number;
  /** Crash tests only (actions/failpoints.ts). */
  readonly failpoint?: Failpoint;
  /** How often refused messages are logged, one line per cell (default 10 s). */
  readonly rejectLogIntervalMs?: number;
}

export interface Hub {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly ingest: Ingest;
  /** Live `cells` events (bridged between replicas on PostgreSQL). */
  readonly live: LiveBus;
  /** Refused connections, packets and messages, counted per cell (logged in aggregate). */
  readonly rejects: RejectLog;
  /** Where the API listens; set by start(). */
  readonly httpUrl: string;
  /** What agents dial; set by start(). */
  readonly mqttUrl: string;
  /** The separate metrics listener's address (config `metrics.listen`), once started. */
  readonly metricsUrl: string | undefined;
  readonly metrics: HubMetrics;
  readonly notify: NotifyService;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_SCHEDULER_INTERVAL_MS = 1000;
/** How often failed sign-ins counted in memory are written to the audit log (auth/failures.ts). */
const FAILED_LOGIN_AUDIT_MS = 60_000;

/** The HTTPS certificate and key, read before anything starts; a missing file names its setting. */
function readHttpTls(tls: NonNullable<HubConfig['http']['tls']>): { cert: Buffer; key: Buffer } {
  const read = (setting: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new UsageError(`${setting} ${file}: ${(err as Error).message}`, { field: setting });
    }
  };
  return { cert: read('http.tls.certFile', tls.certFile), key: read('http.tls.keyFile', tls.keyFile) };
}
const DEFAULT_DELIVERY_INTERVAL_MS = 1000;

export async function buildHub(config: HubConfig, deps: HubDeps): Promise<Hub> {
  const log = deps.logger;
  const now = deps.now ?? Date.now;
  const db = config.database;
  const database = await openHubDatabase(
    'sqlite' in db
      ? { dbPath: db.sqlite }
      : { pgUrl: db.postgres, ...(db.poolMax ? { poolMax: db.poolMax } : {}) },
  );
  let broker: BrokerConnection | undefined;
  const publish = (topic: string, payload: Uint8Array) =>
    broker ? broker.link.publish(topic, payload) : Promise.reject(new Error('no broker link'));
  const send = cellSender(publish);

  const redispatchAfterMs = config.actions?.redispatchAfterMs;
  const buildsDir = buildsDirOf(
    'sqlite' in db ? { dbPath: db.sqlite } : { pgUrl: db.postgres },
    config.actions?.agentBuildsDir,
  );
  const services = await createServices({
    sql: database.sql,
    now,
    ...(buildsDir ? { buildsDir } : {}),
    sendAction: (cell, body) =>
      send(createEnvelope({ kind: 'action', id: randomUUID(), cell, ts: now(), body })),
    ...(redispatchAfterMs === undefined ? {} : { actionPolicy: { redispatchAfterMs } }),
    ...(deps.failpoint ? { failpoint: deps.failpoint } : {}),
  });
  const live = createLiveBus();
  const rejects = createRejectLog({
    logger: log,
    ...(deps.rejectLogIntervalMs ? { intervalMs: deps.rejectLogIntervalMs } : {}),
  });
  let httpUrl = '';
  let observeDelivery: (kind: string, outcome: 'sent' | 'failed') => void = () => {};
  const notify = await openNotifyService({
    sql: database.sql,
    audit: services.audit,
    newId: randomUUID,
    logger: log,
    placeOf: async (cell) => {
      const e = await services.cells.getEnrollment(cell);
      return e && { site: e.site, line: e.line, group: e.sisterGroup };
    },
    quiet: (cell) => services.actions.runningOn(cell),
    publicUrl: () => config.notifications?.publicUrl ?? httpUrl,
    ...(config.notifications?.settleMs === undefined ? {} : { settleMs: config.notifications.settleMs }),
    observe: (kind, outcome) => observeDelivery(kind, outcome),
  });
  const groups = async () => new Set((await services.cells.listEnrollments()).map((c) => c.sisterGroup));
  let ingestStats: () => IngestStats = emptyIngestStats;
  const metrics = createHubMetrics({
    fleet: () => services.cells.fleetRows(),
    actionsByState: () => services.actions.countByState(),
    outliersByGroup: cachedOutliers({ groups, compare: (g) => services.snapshots.compare(g), now }),
    ingest: () => ingestStats(),
    broker: () => broker?.stats(),
    notifications: () => notify.counts(),
  });
  const ingest = createIngest({
    rejects,
    store: services.cells,
    publish,
    newId: randomUUID,
    logger: log,
    now,
    router: createRouter(ingestRoutes(services, { send, now, logger: log, metrics, notify }), log),
    onStored: (fresh) => live.publish(cellsEventOf(fresh)),
    observeAck: (ms) => metrics.observeAck(ms),
  });
  ingestStats = ingest.stats;
  observeDelivery = metrics.observeDelivery;
  const app = await buildHttp({
    services,
    live,
    logger: log,
    now,
    ready: async () => ({ store: true, broker: broker?.link.connected ?? false }),
    rejects,
    ...(config.http.tls ? { tls: readHttpTls(config.http.tls) } : {}),
    ...(config.http.trustProxy === undefined ? {} : { trustProxy: config.http.trustProxy }),
    brokerUrl: () => broker?.url ?? '',
    metrics,
    notify,
  });

  let bridge: PgBridge | undefined;
  let metricsListener: MetricsListener | undefined;
  let loops: Array<() => void | Promise<void>> = [];
  return {
    app,
    services,
    ingest,
    live,
    rejects,
    get httpUrl() {
      return httpUrl;
    },
    get mqttUrl() {
      return broker?.url ?? '';
    },
    get metricsUrl() {
      return metricsListener?.url;
    },
    metrics,
    notify,
    async start() {
      if (database.pool && 'postgres' in db)
        bridge = await bridgeLiveBus({ url: db.postgres, pool: database.pool, bus: live, logger: log });
      broker = await connectBroker(config.broker, {
        authenticateAgent: agentAuthenticator(services.cells),
        onMessage: (topic, payload) => ingest.accept(topic, payload),
        logger: log,
        rejects,
        ...(config.ingest ? { budget: { ...DEFAULT_INGEST_BUDGET, ...config.ingest } } : {}),
      });
      await app.listen({ host: config.http.host, port: config.http.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      httpUrl = `${config.http.tls ? 'https' : 'http'}://${config.http.host}:${port}`;
      if (config.metrics?.listen)
        metricsListener = await listenMetrics({
          address: config.metrics.listen,
          metrics,
          authenticate: (token) => services.auth.authenticate(token),
        });
      const scheduler = startScheduler({
        actions: services.actions,
        ...(database.pool ? { pool: database.pool } : {}),
        now,
        intervalMs: config.actions?.schedulerIntervalMs ?? DEFAULT_SCHEDULER_INTERVAL_MS,
        logger: log,
      });
      const preload = startComparisonPreload({
        snapshots: services.snapshots,
        groups: async () => new Set((await services.cells.listCells()).map((c) => c.sisterGroup)),
        logger: log,
      });
      const failedLogins = setInterval(() => {
        services.auth
          .flushFailedLogins()
          .catch((err: Error) => log.error({ err: err.message }, 'auth: audit of failed sign-ins'));
      }, FAILED_LOGIN_AUDIT_MS);
      const delivery = startDeliveryLoop({
        notify,
        now,
        intervalMs: config.notifications?.deliveryIntervalMs ?? DEFAULT_DELIVERY_INTERVAL_MS,
        logger: log,
      });
      const sampler = startTrendSampler({
        history: services.history,
        fleetRows: () => services.cells.fleetRows(),
        now,
        intervalMs: config.history?.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
        onChange: (listener) => live.onCells(listener),
        ...(config.history?.settleMs === undefined ? {} : { settleMs: config.history.settleMs }),
        logger: log,
      });
      loops = [
        () => sampler.stop(),
        () => scheduler.stop(),
        () => preload.cancel(),
        () => delivery.stop(),
        () => clearInterval(failedLogins),
      ];
    },
    async stop() {
      for (const stop of loops) await stop();
      await metricsListener?.close();
      await app.close();
      await services.auth
        .flushFailedLogins(true)
        .catch((err: Error) => log.error({ err: err.message }, 'auth: audit of failed sign-ins'));
      await ingest.flush();
      await broker?.close();
      rejects.stop();
      await bridge?.close();
      await database.close();
    },
  };
}

const emptyIngestStats = (): IngestStats => ({
  received: 0,
  stored: 0,
  duplicates: 0,
  rejected: 0,
  rejectedBy: { topic: 0, direction: 0, schema: 0, 'cell-mismatch': 0, channel: 0 },
});

/** buildHub() and start(); a hub that fails to start is stopped again, ports and all. */
export async function startHub(config: HubConfig, deps: HubDeps): Promise<Hub> {
  const hub = await buildHub(config, deps);
  try {
    await hub.start();
  } catch (err) {
    await hub.stop().catch(() => {});
    throw err;
  }
  return hub;
}
