// The hub's side of MQTT: start the embedded broker (aedes) or use an external one, and dial
// the hub's own link to it — the same ingest path either way. The embedded broker asks
// `authenticateAgent` about every agent; the hub's link uses a random credential made here,
// valid for this process only.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HubBrokerConfig } from '@cellfleet/protocol';
import type { Logger } from 'pino';
import type { RejectLog } from '../kernel/reject-log.ts';
import { type BrokerRefusals, startEmbeddedBroker } from './embedded.ts';
import type { IngestBudget } from './guard.ts';
import { connectHubLink, type HubLink } from './hub-link.ts';

export interface BrokerConnection {
  readonly link: HubLink;
  /** What agents dial: the embedded broker's URL, or the external broker's. */
  readonly url: string;
  /** The embedded broker's connections and refusals; an external broker keeps its own. */
  stats(): { readonly connections: number; readonly refusals: BrokerRefusals } | undefined;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** An agent's username and password → its cell id, or undefined to refuse it. */
  readonly authenticateAgent: (username: string, password: string) => Promise<string | undefined>;
  readonly onMessage: (topic: string, payload: Uint8Array) => void;
  readonly logger: Logger;
  readonly rejects?: RejectLog;
  /** Each agent's ingest budget; enforced by the embedded broker only (docs/deploy.md). */
  readonly budget?: IngestBudget;
}

export async function connectBroker(config: HubBrokerConfig, o: ConnectOptions): Promise<BrokerConnection> {
  const clientId = `cellfleet-hub-${randomUUID()}`;
  if (config.mode === 'external') {
    const link = await connectHubLink({
      url: config.url,
      clientId,
      username: config.username,
      password: readFileSync(config.passwordFile, 'utf8').trim(),
      ...(config.shareGroup ? { shareGroup: config.shareGroup } : {}),
      ...(config.caFile ? { caFile: config.caFile } : {}),
      onMessage: o.onMessage,
      logger: o.logger,
    });
    return { link, url: config.url, stats: () => undefined, close: () => link.close() };
  }
  const own = { username: clientId, password: randomBytes(32).toString('base64url') };
  const broker = await startEmbeddedBroker({
    host: config.host,
    port: config.port,
    logger: o.logger,
    ...(o.rejects ? { rejects: o.rejects } : {}),
    ...(o.budget ? { budget: o.budget } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
    authenticate: async (username, password) => {
      if (username === own.username) return password === own.password ? { kind: 'hub' } : undefined;
      const cellId = await o.authenticateAgent(username, password);
      return cellId ? { kind: 'agent', cellId } : undefined;
    },
  });
  try {
    const link = await connectHubLink({
      url: broker.url,
      clientId,
      ...own,
      // The hub's own link dials the same listener, so over TLS it must trust the same CA.
      ...(config.tls ? { caFile: config.tls.caFile ?? config.tls.certFile } : {}),
      onMessage: o.onMessage,
      logger: o.logger,
    });
    return {
      link,
      url: broker.url,
      stats: () => ({ connections: broker.connectedClients(), refusals: broker.refusals() }),
      async close() {
        await link.close();
        await broker.close();
      },
    };
  } catch (err) {
    await broker.close();
    throw err;
  }
}
