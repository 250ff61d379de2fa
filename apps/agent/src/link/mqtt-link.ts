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

export interface LinkOptions {
  readonly url: string;
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
}

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
      connectTimeout: 10_000,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: will.retain },
      ...(ca ? { ca } : {}),
    };
    const c = mqtt.connect(o.url, options);
    client = c;
    c.on('connect', () => {
      attempt = 0;
      connected = true;
      o.logger.info({ session }, 'connected to hub');
      c.subscribe([...o.subscriptions], { qos: 1 }, (err, granted) => {
        const refused = granted?.filter((g) => g.qos === 128) ?? [];
        if (err || refused.length > 0) o.logger.error({ err, refused }, 'subscription refused by broker');
      });
      o.onConnect(session);
    });
    c.on('message', (topic, payload) => o.onMessage(topic, payload));
    c.on('error', (err) => o.logger.warn({ err: err.message }, 'hub connection error'));
    c.on('close', () => {
      if (client !== c) return;
      if (connected) o.logger.warn({ session }, 'disconnected from hub');
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
      connected = false;
      await new Promise<void>((resolve) => c.end(false, {}, () => resolve()));
    },
  };
}
