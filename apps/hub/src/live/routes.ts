// GET /api/events: server-sent events, one `cells` event per stored batch naming the cells
// whose state changed, so a browser turns a cell red within a second of its death arriving —
// whichever hub replica stored the message (the live bus is bridged between replicas).
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { route } from '../kernel/routes.ts';
import type { LiveBus } from './live.ts';

export async function eventRoutes(app: FastifyInstance, live: LiveBus): Promise<void> {
  route(app, API.events, (req, reply) => {
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    reply.raw.write(': connected\n\n');
    const keepAlive = setInterval(() => reply.raw.write(': keep-alive\n\n'), 15_000);
    const off = live.onCells((e) => {
      reply.raw.write(`event: cells\ndata: ${JSON.stringify({ cells: e.cells, kinds: e.kinds })}\n\n`);
    });
    req.raw.on('close', () => {
      clearInterval(keepAlive);
      off();
    });
    return reply.hijack();
  });
}
