// GET /metrics on the API's listener (declared in the contract, so the role guard and the
// bearer tokens are the API's), and optionally on a listener of its own (`metrics.listen`),
// for a management network that should not reach the API: same tokens, same role.
import { createServer, type Server } from 'node:http';
import { type Actor, hasRole } from '@cellfleet/core';
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { route, sendFile } from '../kernel/routes.ts';
import type { HubMetrics } from './metrics.ts';

export function metricsRoutes(app: FastifyInstance, metrics: HubMetrics): void {
  route(app, API.metrics, async (_req, reply) =>
    sendFile(reply, { type: metrics.contentType, body: await metrics.render() }),
  );
}

export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

/** A plain HTTP listener answering GET /metrics only, to callers the API would let in. */
export async function listenMetrics(o: {
  readonly address: string;
  readonly metrics: HubMetrics;
  readonly authenticate: (token: string) => Promise<Actor | undefined>;
}): Promise<MetricsListener> {
  const { host, port } = splitAddress(o.address);
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== API.metrics.path) {
      answer(404, JSON.stringify({ code: 'not-found', message: 'only GET /metrics is served here' }));
      return;
    }
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    void (async () => {
      const actor = token ? await o.authenticate(token) : undefined;
      if (!actor)
        return answer(
          401,
          JSON.stringify({ code: 'unauthenticated', message: 'a valid bearer token is required' }),
        );
      if (!hasRole(actor.role, API.metrics.role))
        return answer(403, JSON.stringify({ code: 'forbidden', message: 'this needs the metrics role' }));
      answer(200, await o.metrics.render(), o.metrics.contentType);
    })().catch((err: Error) => answer(500, JSON.stringify({ code: 'internal', message: err.message })));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve());
  });
  const a = server.address();
  const bound = typeof a === 'object' && a ? a.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** HOST:PORT or [IPv6]:PORT (the config schema checked the shape). */
export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(address.slice(at + 1)) };
}
