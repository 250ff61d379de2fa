// GET /api/cells/:id/notebook[?format=md]: the cell's fault history (core/notebook.ts) built
// from its stored probes, as JSON or as a Markdown file to attach to a work order.
import { buildNotebook, DEFAULT_WATCH_MS, notebookMarkdown } from '@cellfleet/core';
import { ErrorBody } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { CellStore } from '../cells/store.ts';

const HISTORY_LIMIT = 10_000;

export function notebookRoutes(
  app: FastifyInstance,
  store: CellStore,
  o: { now: () => number; watchMs?: number },
): void {
  app.get<{ Params: { id: string }; Querystring: { format?: 'json' | 'md' } }>(
    '/api/cells/:id/notebook',
    {
      schema: {
        summary: "The cell's fault history: when it broke, what the diagnosis was, when it recovered",
        tags: ['cells'],
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('md')])),
        }),
        response: { 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const cell = await store.getCell(req.params.id, HISTORY_LIMIT);
      if (!cell)
        return reply.code(404).send({ code: 'not-found', message: `no cell "${req.params.id}" is enrolled` });
      const points = cell.probes.map((p) => ({
        at: p.at,
        endpoint: p.endpoint,
        ok: p.ok,
        code: p.diagnosis.code,
        summary: p.diagnosis.summary,
      }));
      const now = o.now();
      const entries = buildNotebook(points, { now, watchMs: o.watchMs ?? DEFAULT_WATCH_MS });
      if (req.query.format === 'md') {
        return reply
          .type('text/markdown; charset=utf-8')
          .header('content-disposition', `attachment; filename="${cell.id}-notebook.md"`)
          .send(notebookMarkdown(cell.id, entries, now));
      }
      return { cell: cell.id, watchMs: o.watchMs ?? DEFAULT_WATCH_MS, entries };
    },
  );
}
