// The agent's MQTT connection. mqtt.js reconnects on a fixed period with no jitter, which
// synchronises a fleet after a hub restart; so its reconnect is off and this module redials
// with full-jitter backoff (core/backoff.ts). Each dial builds a fresh Last Will, because the
// Will carries the session counter of that very connection.
import { readFileSync } from 'node:fs';
import { backoffDelay, DEFAULT_BACKOFF } from '@cellfleet/core';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export interface Will {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly retain: boolean;
}

/** A broker's address already parsed (a fleet of simulated agents parses it once, not per dial). */
export interface BrokerAddress {
  readonly protocol: 'mqtt' | 'mqtts';
  readonly host: string;
  readonly port: number;
}

/** What the link reports besides messages: for the fleet simulator's counters. */
export interface LinkEvents {
  connected?(): void;
  disconnected?(): void;
  /** A dial that did not end in CONNACK: an error code, or "closed before CONNACK". */
  dialFailed?(reason: string): void;
}

export interface LinkOptions {
  readonly url: string | BrokerAddress;
  readonly username: string;
  readonly password: string;
  readonly clientId: string;
  readonly keepaliveSec: number;
  readonly caFile?: string;
  readonly subscriptions: readonly string[];
  /** Called before every dial; returns the session number and the Will for it. */
  readonly prepareSession: () => { session: number; will: Will };
  readonly onConnect: (session: number) => void;
  readonly onMessage: (topic: string, payload: Uint8Array) => void;
  readonly logger: Logger;
  readonly random?: () => number;
  readonly events?: LinkEvents;
}

/** The part of a link's options the agent core supplies: its session, Will and handlers. */
export type LinkHooks = Pick<LinkOptions, 'prepareSession' | 'onConnect' | 'onMessage'>;
/** Makes the agent's link once the core's hooks exist (createAgent takes one of these). */
export type ConnectLink = (hooks: LinkHooks) => Link;

/** The real MQTT link, with everything but the core's hooks fixed. */
export const mqttLink =
  (o: Omit<LinkOptions, keyof LinkHooks>): ConnectLink =>
  (hooks) =>
    createLink({ ...o, ...hooks });

export interface Link {
  readonly connected: boolean;
  start(): void;
  publish(topic: string, payload: Uint8Array, retain: boolean): Promise<void>;
  /** Optionally publishes a last message (a clean-shutdown death), then closes. */
  stop(last?: { topic: string; payload: Uint8Array; retain: boolean }): Promise<void>;
}

export function createLink(o: LinkOptions): Link {
  const random = o.random ?? Math.random;
  const ca = o.caFile ? readFileSync(o.caFile) : undefined;
  let client: MqttClient | undefined;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let connected = false;

  const scheduleDial = () => {
    if (stopping) return;
    const delay = backoffDelay(attempt, random(), DEFAULT_BACKOFF);
    attempt++;
    timer = setTimeout(dial, delay);
  };

  function dial(): void {
    const { session, will } = o.prepareSession();
    const options: IClientOptions = {
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      keepalive: o.keepaliveSec,
      protocolVersion: 4, // MQTT 3.1.1: all the protocol needs, and all aedes speaks
      clean: true,
      reconnectPeriod: 0,
      // 30 s, mqtt.js's own default. With 10 s, a hub restarting under 10,000 redialling agents
      // (bench/fleet.ts) answered CONNECT late, the agents gave up and dialled again, and the
      // extra dials kept it late: 54,049 connack timeouts and 5,429/10,000 back after 66 s.
      connectTimeout: 30_000,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: will.retain },
      ...(ca ? { ca } : {}),
    };
    const c =
      typeof o.url === 'string' ? mqtt.connect(o.url, options) : mqtt.connect({ ...o.url, ...options });
    client = c;
    let failed = false;
    c.on('connect', () => {
      // Small QoS 1 packets: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms per round trip.
      (c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      attempt = 0;
      connected = true;
      o.logger.info({ session }, 'connected to hub');
      o.events?.connected?.();
      c.subscribe([...o.subscriptions], { qos: 1 }, (err, granted) => {
        const refused = granted?.filter((g) => g.qos === 128) ?? [];
        if (err || refused.length > 0) o.logger.error({ err, refused }, 'subscription refused by broker');
      });
      o.onConnect(session);
    });
    c.on('message', (topic, payload) => o.onMessage(topic, payload));
    c.on('error', (err: Error & { code?: string | number }) => {
      o.logger.warn({ err: err.message }, 'hub connection error');
      if (connected) return;
      failed = true;
      o.events?.dialFailed?.(String(err.code ?? err.message));
    });
    c.on('close', () => {
      if (client !== c) return;
      if (connected) {
        o.logger.warn({ session }, 'disconnected from hub');
        o.events?.disconnected?.();
      } else if (!failed && !stopping) o.events?.dialFailed?.('closed before CONNACK');
      connected = false;
      c.removeAllListeners();
      c.on('error', () => {});
      c.end(true);
      client = undefined;
      scheduleDial();
    });
  }

  return {
    get connected() {
      return connected;
    },
    start: () => dial(),
    publish(topic, payload, retain) {
      const c = client;
      if (!c || !connected) return Promise.reject(new Error('not connected'));
      return new Promise((resolve, reject) => {
        c.publish(topic, Buffer.from(payload), { qos: 1, retain }, (err) => (err ? reject(err) : resolve()));
      });
    },
    async stop(last) {
      stopping = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      if (!c) return;
      if (last && connected) {
        await new Promise<void>((resolve) =>
          c.publish(last.topic, Buffer.from(last.payload), { qos: 1, retain: last.retain }, () => resolve()),
        );
      }
      if (connected) o.events?.disconnected?.();
      connected = false;
      await new Promise<void>((resolve) => c.end(false, {}, () => resolve()));
    },
  };
}
