// buildHub wires the hub from its parts: store, broker (embedded aedes or an external broker),
// the hub's MQTT link, ingest, and the HTTP API. main.ts reads the command line and calls it.
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Envelope } from '@cellfleet/protocol';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { agentSecretMatches } from './agents/secrets.ts';
import { cellRoutes } from './api/cells.ts';
import { eventRoutes } from './api/events.ts';
import { healthRoutes } from './api/health.ts';
import type { Principal } from './broker/acl.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker/embedded.ts';
import { connectHubLink, type HubLink } from './broker/hub-link.ts';
import { openSqliteCellStore } from './cells/sqlite-store.ts';
import type { CellStore } from './cells/store.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';

export type BrokerConfig =
  | { readonly mode: 'embedded'; readonly host: string; readonly port: number }
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
  readonly dbPath: string;
  readonly broker: BrokerConfig;
  readonly http: { readonly host: string; readonly port: number };
  readonly logger: Logger;
  readonly store?: CellStore;
  readonly now?: () => number;
}

export interface Hub {
  readonly app: FastifyInstance;
  readonly store: CellStore;
  readonly ingest: Ingest;
  readonly events: EventEmitter;
  readonly httpUrl: string;
  readonly mqttUrl: string;
  stop(): Promise<void>;
}

export async function startHub(o: HubOptions): Promise<Hub> {
  const log = o.logger;
  const store = o.store ?? (await openSqliteCellStore(o.dbPath));
  const events = new EventEmitter();
  let broker: EmbeddedBroker | undefined;
  let link: HubLink | undefined;
  const internal = {
    username: `cellfleet-hub-${randomUUID()}`,
    password: randomBytes(32).toString('base64url'),
  };

  const ingest = createIngest({
    store,
    publish: (topic, payload) =>
      link ? link.publish(topic, payload) : Promise.reject(new Error('no broker link')),
    newId: randomUUID,
    logger: log,
    ...(o.now ? { now: o.now } : {}),
    onStored: (fresh: readonly Envelope[]) => events.emit('stored', fresh),
  });

  if (o.broker.mode === 'embedded') {
    broker = await startEmbeddedBroker({
      host: o.broker.host,
      port: o.broker.port,
      logger: log,
      authenticate: async (username, password): Promise<Principal | undefined> => {
        if (username === internal.username)
          return password === internal.password ? { kind: 'hub' } : undefined;
        const e = await store.getEnrollment(username);
        return e && agentSecretMatches(password, e.secretHash) ? { kind: 'agent', cellId: e.id } : undefined;
      },
    });
  }
  const mqttUrl = broker ? broker.url : o.broker.mode === 'external' ? o.broker.url : '';
  const b = o.broker;
  link = await connectHubLink({
    url: mqttUrl,
    clientId: `cellfleet-hub-${randomUUID()}`,
    logger: log,
    onMessage: (topic, payload) => ingest.accept(topic, payload),
    ...(b.mode === 'external'
      ? {
          username: b.username,
          password: b.password,
          ...(b.shareGroup ? { shareGroup: b.shareGroup } : {}),
          ...(b.caFile ? { caFile: b.caFile } : {}),
        }
      : internal),
  });

  // pino's Logger is wider than fastify's logger interface; fastify only calls the common part.
  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    disableRequestLogging: true,
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Cellfleet hub API',
        version: '0.1.0',
        description: 'Fleet state of OPC UA cells and their agents.',
      },
    },
  });
  healthRoutes(app, async () => ({ store: true, broker: link?.connected ?? false }));
  cellRoutes(app, store);
  eventRoutes(app, events);
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.listen({ host: o.http.host, port: o.http.port });
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : o.http.port;

  return {
    app,
    store,
    ingest,
    events,
    httpUrl: `http://${o.http.host}:${httpPort}`,
    mqttUrl,
    async stop() {
      await app.close();
      await ingest.flush();
      await link?.close();
      await broker?.close();
      await store.close();
    },
  };
}
