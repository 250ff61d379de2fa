// The embedded broker: aedes on a TCP port, with the hub deciding who may connect (per-agent
// credentials) and what each connection may touch (acl.ts). Refusals are logged with the cell.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { MAX_PACKET_BYTES } from '@cellfleet/protocol';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import { createRejectLog, type RejectLog } from '../kernel/reject-log.ts';
import { mayPublish, maySubscribe, type Principal } from './acl.ts';
import { Budget, DEFAULT_INGEST_BUDGET, GuardedSocket, type IngestBudget } from './guard.ts';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly authenticate: (username: string, password: string) => Promise<Principal | undefined>;
  readonly logger: Logger;
  /** PEM files: serve MQTT over TLS (mqtts://) so agent secrets never cross the network in clear. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Refused connections, packets and publishes, counted per cell and logged in aggregate. */
  readonly rejects?: RejectLog;
  /** Per cell, over all its connections; DEFAULT_INGEST_BUDGET when absent. */
  readonly budget?: IngestBudget;
}

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  /** Currently connected clients (for readiness and metrics). */
  connectedClients(): number;
  /** Connections and packets refused since start, by what was refused (metrics). */
  refusals(): BrokerRefusals;
  close(): Promise<void>;
}

/**
 * Completed TCP handshakes the kernel holds until the event loop accepts them (capped by
 * net.core.somaxconn, 4096 on current Linux). Node's default of 511 overflowed in a 10,000-agent
 * connect burst (53,140 ListenOverflows in one run, `nstat`): each dropped handshake costs
 * the agent 1 s, 3 s, 7 s... of SYN retransmits, or a reset when its SYN cookie has expired.
 */
const LISTEN_BACKLOG = 4096;

/**
 * Messages aedes' internal emitter (mqemitter) lets in flight; 0 means no limit. With aedes'
 * default of 100, a reconnect storm queues thousands of messages (every connect publishes a
 * `$SYS/…/new/clients` notice) behind 100 slow deliveries, and when those finish mqemitter
 * drains its queue by recursion, one stack frame set per message: after a hub restart under
 * 10,000 redialling agents the process died with "Maximum call stack size exceeded"
 * (bench/fleet.ts; the same report upstream: mcollina/mqemitter pull request #204, unmerged).
 * Without the limit nothing queues, so nothing drains by recursion; the messages are held in
 * the clients' own delivery state either way.
 */
export const EMITTER_CONCURRENCY = 0;

export type BrokerRefusals = {
  readonly credentials: number;
  readonly publish: number;
  readonly subscribe: number;
};

// MQTT 3.1.1 §3.2.2.3 CONNACK return codes
const BAD_USERNAME_OR_PASSWORD = 4;

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const principals = new WeakMap<Client, Principal>();
  // The same principal by the connection's stream, for the transport guard (it sees no Client).
  const byStream = new WeakMap<object, Principal>();
  const who = (c: Client | null) => (c ? principals.get(c) : undefined);
  const label = (p: Principal | undefined) => (p?.kind === 'agent' ? p.cellId : p?.kind);
  const rate = o.budget ?? DEFAULT_INGEST_BUDGET;
  const rejects = o.rejects ?? createRejectLog({ logger: o.logger });
  const budgets = new Map<string, Budget>();
  const budgetOf = (p: Principal | undefined) => {
    if (p?.kind !== 'agent') return undefined; // the hub's own link carries every ack and action
    const known = budgets.get(p.cellId);
    if (known) return known;
    const b = new Budget(rate, Date.now());
    budgets.set(p.cellId, b);
    return b;
  };
  const refused = { credentials: 0, publish: 0, subscribe: 0 };

  const broker = await Aedes.createBroker({
    concurrency: EMITTER_CONCURRENCY,
    authenticate(client, username, password, done) {
      o.authenticate(username ?? '', password?.toString('utf8') ?? '').then(
        (principal) => {
          if (principal) {
            principals.set(client, principal);
            byStream.set(client.conn, principal);
            done(null, true);
            return;
          }
          refused.credentials++;
          rejects.note(undefined, 'bad-credentials', { username, clientId: client.id });
          done(
            Object.assign(new Error('bad username or password'), { returnCode: BAD_USERNAME_OR_PASSWORD }),
            false,
          );
        },
        (err: Error) => done(Object.assign(err, { returnCode: 3 }), false),
      );
    },
    authorizePublish(client, packet, callback) {
      // client is null only for messages the broker publishes itself ($SYS). aedes authorizes
      // a Last Will here too, with its client, when the connection drops (lib/client.js).
      if (!client) {
        callback(null);
        return;
      }
      const p = who(client);
      const d = p ? mayPublish(p, packet.topic) : { allow: false as const, reason: 'unauthenticated' };
      if (d.allow) callback(null);
      else {
        refused.publish++;
        rejects.note(label(p), 'publish-refused', { topic: packet.topic, why: d.reason });
        callback(new Error(d.reason));
      }
    },
    authorizeSubscribe(client, sub, callback) {
      const p = who(client);
      const d = p ? maySubscribe(p, sub.topic) : { allow: false as const, reason: 'unauthenticated' };
      if (d.allow) callback(null, sub);
      else {
        refused.subscribe++;
        rejects.note(label(p), 'subscribe-refused', { topic: sub.topic, why: d.reason });
        callback(null, null); // SUBACK 0x80 for this filter (MQTT 3.1.1 §3.9.3)
      }
    },
  });

  // aedes types do not declare its persistence; the default one is aedes-persistence's memory store.
  indexRetainedByTopic((broker as unknown as { persistence: RetainedStore }).persistence);

  // MQTT packets are small and each QoS 1 hop waits for the next: with Nagle on, a write waits
  // for the ACK of the previous one, which delayed ACK holds up to 40 ms (RFC 1122 §4.2.3.2).
  const handle = (socket: Socket | TLSSocket) => {
    socket.setNoDelay(true);
    const guarded: GuardedSocket = new GuardedSocket(socket, {
      maxPacketBytes: MAX_PACKET_BYTES,
      budget: () => budgetOf(byStream.get(guarded)),
      onRefused(why) {
        const reason = 'tooLarge' in why ? 'packet-too-large' : 'malformed-packet';
        const detail =
          'tooLarge' in why ? { bytes: why.tooLarge, limit: MAX_PACKET_BYTES } : { why: why.malformed };
        rejects.note(label(byStream.get(guarded)), reason, { ...detail, from: socket.remoteAddress });
      },
    });
    broker.handle(guarded);
  };
  const server: Server = o.tls
    ? createTlsServer(
        { cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile), minVersion: 'TLSv1.2' },
        handle,
      )
    : createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: o.port, host: o.host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  let clients = 0;
  broker.on('client', () => clients++);
  broker.on('clientDisconnect', () => clients--);

  return {
    url: `${o.tls ? 'mqtts' : 'mqtt'}://${o.host}:${port}`,
    port,
    connectedClients: () => clients,
    refusals: () => ({ ...refused }),
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type RetainedPacket = { readonly topic: string; readonly payload: Buffer };

export interface RetainedStore {
  storeRetained(packet: RetainedPacket, cb?: (err: Error | null) => void): unknown;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

const WILDCARD = /[+#]/;

/**
 * aedes-persistence 11's memory store answers each SUBSCRIBE by testing every retained topic
 * against every filter (asyncPersistence.js, retainedMessagesByPattern): O(retained) per
 * filter. Every agent retains its birth on its state topic, so each new agent connection cost
 * 2 filters × N retained topic matches; with `--cpu-prof` that scan was ~60 % of the hub's CPU
 * in a 3,000-agent connect burst and made connecting quadratic in the fleet size (BENCHMARKS.md,
 * 10,000 agents). Agents subscribe to exact topics only (acl.ts), and an exact filter matches at
 * most its own topic's retained message (MQTT 3.1.1 §4.7): look it up by topic. Wildcard filters
 * (the hub's own) keep the store's scan.
 */
export function indexRetainedByTopic(p: RetainedStore): void {
  const byTopic = new Map<string, RetainedPacket>();
  const store = p.storeRetained.bind(p);
  const scan = p.createRetainedStreamCombi.bind(p);
  p.storeRetained = (packet, cb) => {
    // A retained message with an empty payload clears the topic [MQTT-3.3.1-10].
    if (packet.payload.length === 0) byTopic.delete(packet.topic);
    else byTopic.set(packet.topic, { ...packet });
    return store(packet, cb);
  };
  p.createRetainedStreamCombi = (patterns) => {
    const wild = patterns.filter((t) => WILDCARD.test(t));
    const found = patterns.flatMap((t) => (WILDCARD.test(t) ? [] : (byTopic.get(t) ?? [])));
    if (wild.length === 0) return Readable.from(found);
    if (found.length === 0) return scan(wild);
    return Readable.from(
      (async function* () {
        yield* found;
        yield* scan(wild);
      })(),
    );
  };
}
