// GET /api/events: server-sent events, one `cells` event per stored batch naming the cells
// whose state changed, so a browser turns a cell red within a second of its death arriving.
import type { EventEmitter } from 'node:events';
import type { Envelope } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';

export function eventRoutes(app: FastifyInstance, events: EventEmitter): void {
  app.get(
    '/api/events',
    { schema: { tags: ['cells'], summary: 'Live updates (text/event-stream)' } },
    (req, reply) => {
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      reply.raw.write(': connected\n\n');
      const onStored = (fresh: readonly Envelope[]) => {
        const cells = [...new Set(fresh.map((m) => m.cell))];
        const kinds = [...new Set(fresh.map((m) => m.kind))];
        reply.raw.write(`event: cells\ndata: ${JSON.stringify({ cells, kinds })}\n\n`);
      };
      const keepAlive = setInterval(() => reply.raw.write(': keep-alive\n\n'), 15_000);
      events.on('stored', onStored);
      req.raw.on('close', () => {
        clearInterval(keepAlive);
        events.off('stored', onStored);
      });
    },
  );
}
