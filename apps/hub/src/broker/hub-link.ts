// The hub's own MQTT client, used against the embedded broker and an external one alike, so
// both modes run the same ingest code. With a share group the subscriptions are MQTT shared
// subscriptions and several hub replicas split the agents' traffic.
import { readFileSync } from 'node:fs';
import { hubSubscriptions } from '@cellfleet/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export interface HubLinkOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly clientId: string;
  readonly shareGroup?: string;
  readonly caFile?: string;
  readonly onMessage: (topic: string, payload: Uint8Array) => void;
  readonly logger: Logger;
}

export interface HubLink {
  readonly connected: boolean;
  publish(topic: string, payload: Uint8Array, retain?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function connectHubLink(o: HubLinkOptions): Promise<HubLink> {
  const client: MqttClient = mqtt.connect(o.url, {
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}),
  });
  client.on('message', (topic, payload) => o.onMessage(topic, payload));
  client.on('error', (err) => o.logger.warn({ err: err.message }, 'hub link error'));
  client.on('connect', () => {
    // Acks and commands are small QoS 1 packets: without TCP_NODELAY, Nagle + delayed ACK add
    // up to 40 ms per hop (the broker sets it on its side too; see broker/embedded.ts).
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    client.subscribe(hubSubscriptions(o.shareGroup), { qos: 1 }, (err, granted) => {
      const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
      if (err || refused.length > 0)
        o.logger.error({ err: err?.message, refused }, 'hub subscriptions refused');
      else o.logger.info({ broker: o.url }, 'hub link subscribed');
    });
  });
  // mqtt.js emits no error when a broker closes the socket before CONNACK (a TLS port dialled
  // in clear, an ACL that drops us): a close before the first connect fails the start too.
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      client.end(true);
      reject(new Error(`cannot connect to the broker at ${o.url}: ${err.message}`));
    };
    const closed = () => fail(new Error('the broker closed the connection before accepting it'));
    client.once('connect', () => {
      client.off('error', fail);
      client.off('close', closed);
      resolve();
    });
    client.once('error', fail);
    client.once('close', closed);
  });
  return {
    get connected() {
      return client.connected;
    },
    publish(topic, payload, retain = false) {
      return new Promise((resolve, reject) =>
        client.publish(topic, Buffer.from(payload), { qos: 1, retain }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    },
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
