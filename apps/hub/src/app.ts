// startHub wires the hub from its parts: the database and services, the broker (embedded aedes
// or an external broker), the hub's MQTT link, ingest, the action scheduler and the HTTP API.
// main.ts reads the command line and calls it.
import { randomBytes, randomUUID } from 'node:crypto';
import { buildTopic, createEnvelope, type Envelope, encodeMessage, parseCellId } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ActionPolicy } from './actions/index.ts';
import type { Principal } from './broker/acl.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker/embedded.ts';
import { connectHubLink, type HubLink } from './broker/hub-link.ts';
import { agentSecretMatches } from './cells/secrets.ts';
import { type CellStore, openCellStore } from './cells/store.ts';
import { openHubDatabase } from './db/open.ts';
import { SCHEDULER_LOCK_KEY, withTryAdvisoryLock } from './db/pg-lock.ts';
import { buildHttp } from './http.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import { cellsEventOf, createLiveBus, type LiveBus } from './live/live.ts';
import { bridgeLiveBus, type PgBridge } from './live/pg-bridge.ts';
import { createServices, type Services } from './services.ts';

export type BrokerConfig =
  | {
      readonly mode: 'embedded';
      readonly host: string;
      readonly port: number;
      readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile?: string };
    }
  | {
      readonly mode: 'external';
      readonly url: string;
      readonly username: string;
      readonly password: string;
      readonly caFile?: string;
      /** MQTT shared-subscription group; replicas with the same group split the ingest. */
      readonly shareGroup?: string;
    };

export interface HubOptions {
  /** SQLite database file for a single hub (default ./cellfleet-hub.db). */
  readonly dbPath?: string;
  /**
   * PostgreSQL URL instead (scale-out): everything the hub keeps lives there, so replicas
   * are stateless and any of them serves any request (see docs/deploy.md).
   */
  readonly pgUrl?: string;
  readonly broker: BrokerConfig;
  readonly http: { readonly host: string; readonly port: number };
  readonly logger: Logger;
  readonly now?: () => number;
  readonly actionPolicy?: Partial<ActionPolicy>;
  /** How often the action scheduler looks for windows that opened (ms, default 1000). */
  readonly schedulerIntervalMs?: number;
}

export interface Hub {
  readonly app: FastifyInstance;
  readonly store: CellStore;
  readonly services: Services;
  readonly ingest: Ingest;
  /** Live `cells` events (bridged between replicas on PostgreSQL). */
  readonly live: LiveBus;
  readonly httpUrl: string;
  readonly mqttUrl: string;
  stop(): Promise<void>;
}

export async function startHub(o: HubOptions): Promise<Hub> {
  const log = o.logger;
  const now = o.now ?? Date.now;
  const database = await openHubDatabase({
    ...(o.dbPath === undefined ? {} : { dbPath: o.dbPath }),
    ...(o.pgUrl === undefined ? {} : { pgUrl: o.pgUrl }),
  });
  const pool = database.pool;
  const live = createLiveBus();
  const bridge: PgBridge | undefined =
    pool && o.pgUrl ? await bridgeLiveBus({ url: o.pgUrl, pool, bus: live, logger: log }) : undefined;
  let link: HubLink | undefined;
  const publish = (topic: string, payload: Uint8Array) =>
    link ? link.publish(topic, payload) : Promise.reject(new Error('no broker link'));

  const services = await createServices({
    sql: database.sql,
    cells: await openCellStore(database.sql),
    ...(o.actionPolicy ? { actionPolicy: o.actionPolicy } : {}),
    now,
    publishAction: (cellId, body) => {
      const ref = parseCellId(cellId);
      if (!ref) return Promise.reject(new Error(`"${cellId}" is not a cell id`));
      const m = createEnvelope({ kind: 'action', id: randomUUID(), cell: cellId, ts: now(), body });
      return publish(buildTopic(ref, 'cmd'), encodeMessage(m));
    },
  });
  const { store, actions, snapshots } = services;
  const SNAPSHOT_KINDS = new Set(['snapshot-hash', 'snapshot-delta', 'snapshot-chunk']);

  const ingest = createIngest({
    store,
    publish,
    newId: randomUUID,
    logger: log,
    now,
    beforeAck: async (fresh) => {
      for (const m of fresh) {
        if (!SNAPSHOT_KINDS.has(m.kind)) continue;
        const r = await snapshots.ingest(m);
        const ref = parseCellId(m.cell);
        if (!ref) continue;
        for (const reply of r.replies) await publish(buildTopic(ref, 'cmd'), encodeMessage(reply));
      }
    },
    onStored: (fresh: readonly Envelope[]) => {
      for (const m of fresh) {
        if (m.kind === 'birth') {
          actions.resendUnanswered(m.cell, now()).catch((err: Error) => {
            log.warn({ cell: m.cell, err: err.message }, 'could not re-send unanswered actions');
          });
        }
        if (m.kind !== 'action-result') continue;
        actions.recordResult(m.cell, m.body, now()).then(
          (r) => {
            if (!r.ok) log.warn({ cell: m.cell, code: r.code, reason: r.message }, 'action result refused');
          },
          (err: Error) => log.error({ cell: m.cell, err: err.message }, 'could not record an action result'),
        );
      }
      live.publish(cellsEventOf(fresh));
    },
  });

  const broker = o.broker.mode === 'embedded' ? await embeddedBroker(o.broker, store, log) : undefined;
  const mqttUrl = broker ? broker.url : o.broker.mode === 'external' ? o.broker.url : '';
  link = await connectHubLink({
    url: mqttUrl,
    clientId: `cellfleet-hub-${randomUUID()}`,
    logger: log,
    onMessage: (topic, payload) => ingest.accept(topic, payload),
    ...(broker ? broker.credentials : externalCredentials(o.broker)),
  });

  // With PostgreSQL, replicas take turns: one tick at a time across all of them.
  // Each action is also locked on its own while it changes (actions/service.ts), so this is
  // about not doing the same work twice, not about correctness.
  const tick = (t: number) =>
    pool ? withTryAdvisoryLock(pool, SCHEDULER_LOCK_KEY, () => actions.tick(t)) : actions.tick(t);
  const scheduler = setInterval(() => {
    tick(now()).catch((err: Error) => log.error({ err: err.message }, 'action scheduler failed'));
  }, o.schedulerIntervalMs ?? 1000);
  scheduler.unref();

  const app = await buildHttp({
    services,
    live,
    logger: log,
    now,
    ready: async () => ({ store: true, broker: link?.connected ?? false }),
  });
  await app.listen({ host: o.http.host, port: o.http.port });
  const preload = preloadComparisons(services, log);
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : o.http.port;

  return {
    app,
    store,
    services,
    ingest,
    live,
    httpUrl: `http://${o.http.host}:${httpPort}`,
    mqttUrl,
    async stop() {
      clearInterval(scheduler);
      preload.cancel();
      await app.close();
      await ingest.flush();
      await link?.close();
      await broker?.close();
      await bridge?.close();
      await database.close();
    },
  };
}

/** The embedded broker, with a random per-process credential for the hub's own link. */
async function embeddedBroker(
  b: Extract<BrokerConfig, { mode: 'embedded' }>,
  store: CellStore,
  logger: Logger,
) {
  const credentials = {
    username: `cellfleet-hub-${randomUUID()}`,
    password: randomBytes(32).toString('base64url'),
  };
  const broker: EmbeddedBroker = await startEmbeddedBroker({
    host: b.host,
    port: b.port,
    logger,
    ...(b.tls ? { tls: b.tls } : {}),
    authenticate: async (username, password): Promise<Principal | undefined> => {
      if (username === credentials.username)
        return password === credentials.password ? { kind: 'hub' } : undefined;
      const e = await store.getEnrollment(username);
      return e && agentSecretMatches(password, e.secretHash) ? { kind: 'agent', cellId: e.id } : undefined;
    },
  });
  // The hub's own link dials the same listener, so over TLS it must trust the same CA.
  const ca = b.tls ? { caFile: b.tls.caFile ?? b.tls.certFile } : {};
  return { url: broker.url, credentials: { ...credentials, ...ca }, close: () => broker.close() };
}

function externalCredentials(b: BrokerConfig) {
  if (b.mode !== 'external') throw new Error('not an external broker');
  return {
    username: b.username,
    password: b.password,
    ...(b.shareGroup ? { shareGroup: b.shareGroup } : {}),
    ...(b.caFile ? { caFile: b.caFile } : {}),
  };
}

/** How long after start the comparison cache is filled (agents reconnecting go first). */
const PRELOAD_DELAY_MS = 5000;

/**
 * Fills the parsed-snapshot cache with every sister group's latest snapshots in the background,
 * so the first comparison after a (re)start takes as long as any other (1,000 × 5,000: ~22 s
 * cold, ~1 s warm; BENCHMARKS.md). The loader yields to the event loop while it parses.
 */
function preloadComparisons(services: Services, log: Logger): { cancel(): void } {
  let cancelled = false;
  const timer = setTimeout(async () => {
    const started = Date.now();
    let loaded = 0;
    try {
      const groups = new Set((await services.store.listCells()).map((c) => c.sisterGroup));
      for (const group of groups) {
        if (cancelled) return;
        loaded += await services.snapshots.preload(group);
      }
      if (loaded > 0) log.info({ snapshots: loaded, ms: Date.now() - started }, 'comparison cache filled');
    } catch (err) {
      if (!cancelled) log.warn({ err: (err as Error).message }, 'could not fill the comparison cache');
    }
  }, PRELOAD_DELAY_MS);
  timer.unref();
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
