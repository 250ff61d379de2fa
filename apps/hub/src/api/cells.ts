// GET /api/cells and /api/cells/:id: the fleet as the hub knows it.
import { CellDetail, CellSummary, ErrorBody } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { CellStore } from '../cells/store.ts';

export function cellRoutes(app: FastifyInstance, store: CellStore): void {
  app.get(
    '/api/cells',
    {
      schema: {
        summary: 'Every enrolled cell with its liveness, server identity and last probe',
        tags: ['cells'],
        response: { 200: Type.Array(CellSummary) },
      },
    },
    () => store.listCells(),
  );

  app.get<{ Params: { id: string } }>(
    '/api/cells/:id',
    {
      schema: {
        summary: 'One cell, with its endpoints, outbox health and recent probes',
        tags: ['cells'],
        params: Type.Object({ id: Type.String({ description: 'site.line.cell' }) }),
        response: { 200: CellDetail, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const cell = await store.getCell(req.params.id);
      if (!cell)
        return reply.code(404).send({ code: 'not-found', message: `no cell "${req.params.id}" is enrolled` });
      return cell;
    },
  );
}
