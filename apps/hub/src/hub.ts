// The hub, built by a function from its configuration (CONVENTIONS: an app is built by a
// function, started by one small file). buildHub() opens the database and wires the services,
// ingest and the HTTP API without opening a port; start() starts the broker side, listens and
// starts the loops; stop() undoes both. serve.ts calls them for `cellfleet-hub serve`; tests,
// the demo and the benchmarks call them in-process.
import { randomUUID } from 'node:crypto';
import { createEnvelope, type HubConfig } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildsDirOf } from './actions/builds.ts';
import type { Failpoint } from './actions/failpoints.ts';
import { startScheduler } from './actions/scheduler.ts';
import { type BrokerConnection, connectBroker } from './broker/connect.ts';
import { cellSender } from './broker/send.ts';
import { agentAuthenticator } from './cells/secrets.ts';
import { openHubDatabase } from './db/open.ts';
import { buildHttp } from './http.ts';
import { createIngest, type Ingest } from './ingest/pipeline.ts';
import { createRouter } from './ingest/router.ts';
import { ingestRoutes } from './ingest-routes.ts';
import { cellsEventOf, createLiveBus, type LiveBus } from './live/live.ts';
import { bridgeLiveBus, type PgBridge } from './live/pg-bridge.ts';
import { createServices, type Services } from './services.ts';
import { startComparisonPreload } from './snapshots/preload.ts';

export interface HubDeps {
  readonly logger: Logger;
  readonly now?: () => number;
  /** Crash tests only (actions/failpoints.ts). */
  readonly failpoint?: Failpoint;
}

export interface Hub {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly ingest: Ingest;
  /** Live `cells` events (bridged between replicas on PostgreSQL). */
  readonly live: LiveBus;
  /** Where the API listens; set by start(). */
  readonly httpUrl: string;
  /** What agents dial; set by start(). */
  readonly mqttUrl: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_SCHEDULER_INTERVAL_MS = 1000;

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
  const ingest = createIngest({
    store: services.cells,
    publish,
    newId: randomUUID,
    logger: log,
    now,
    router: createRouter(ingestRoutes(services, { send, now, logger: log }), log),
    onStored: (fresh) => live.publish(cellsEventOf(fresh)),
  });
  const app = await buildHttp({
    services,
    live,
    logger: log,
    now,
    ready: async () => ({ store: true, broker: broker?.link.connected ?? false }),
    brokerUrl: () => broker?.url ?? '',
  });

  let bridge: PgBridge | undefined;
  let loops: Array<() => void> = [];
  let httpUrl = '';
  return {
    app,
    services,
    ingest,
    live,
    get httpUrl() {
      return httpUrl;
    },
    get mqttUrl() {
      return broker?.url ?? '';
    },
    async start() {
      if (database.pool && 'postgres' in db)
        bridge = await bridgeLiveBus({ url: db.postgres, pool: database.pool, bus: live, logger: log });
      broker = await connectBroker(config.broker, {
        authenticateAgent: agentAuthenticator(services.cells),
        onMessage: (topic, payload) => ingest.accept(topic, payload),
        logger: log,
      });
      await app.listen({ host: config.http.host, port: config.http.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      httpUrl = `http://${config.http.host}:${port}`;
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
      loops = [() => scheduler.stop(), () => preload.cancel()];
    },
    async stop() {
      for (const stop of loops) stop();
      await app.close();
      await ingest.flush();
      await broker?.close();
      await bridge?.close();
      await database.close();
    },
  };
}

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
