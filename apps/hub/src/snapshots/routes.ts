// HTTP routes for snapshots, drift and sister comparison (fastify 5 plugin). Register with
// `app.register(snapshotRoutes, { service })`; authentication and roles are the caller's
// (hooks on the parent scope apply to these routes too).
import { isReportFormat, REPORT_CONTENT_TYPES, renderComparison } from '@cellfleet/core';
import { PinGoldenRequest } from '@cellfleet/protocol';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { SnapshotService } from './service.ts';

export interface SnapshotRoutesOptions {
  readonly service: SnapshotService;
}

const str = { type: 'string' } as const;
const cellParams = { type: 'object', properties: { id: str }, required: ['id'] } as const;
const groupParams = { type: 'object', properties: { group: str }, required: ['group'] } as const;

export const snapshotRoutes: FastifyPluginAsync<SnapshotRoutesOptions> = async (
  app: FastifyInstance,
  opts,
) => {
  const { service } = opts;
  const notFound = (what: string) => ({ code: 'not-found', message: what });

  app.get<{ Params: { group: string }; Querystring: { format?: string; endpoint?: string } }>(
    '/api/groups/:group/comparison',
    {
      schema: {
        params: groupParams,
        querystring: { type: 'object', properties: { format: str, endpoint: str } },
      },
    },
    async (req, reply) => {
      const format = req.query.format ?? 'json';
      if (!isReportFormat(format)) {
        return reply.code(400).send({ code: 'bad-format', message: 'format must be json, html, csv or md' });
      }
      const endpoint = req.query.endpoint;
      const comparison = await service.compare(req.params.group, endpoint === undefined ? {} : { endpoint });
      if (format === 'json') return comparison;
      reply.type(REPORT_CONTENT_TYPES[format]);
      if (format === 'csv')
        reply.header('content-disposition', `attachment; filename="${req.params.group}-comparison.csv"`);
      return renderComparison(comparison, format);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { endpoint?: string } }>(
    '/api/cells/:id/snapshots',
    { schema: { params: cellParams } },
    async (req) => ({ versions: await service.versions(req.params.id, req.query.endpoint) }),
  );

  app.get<{ Params: { id: string; hash: string }; Querystring: { endpoint?: string } }>(
    '/api/cells/:id/snapshots/:hash',
    async (req, reply) => {
      const found = await service.snapshot(req.params.id, req.params.hash, req.query.endpoint);
      return found ?? reply.code(404).send(notFound(`no snapshot ${req.params.hash} for ${req.params.id}`));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string; endpoint?: string } }>(
    '/api/cells/:id/diff',
    { schema: { params: cellParams } },
    async (req, reply) => {
      const { from, to, endpoint } = req.query;
      const versions = await service.versions(req.params.id, endpoint);
      const prev = versions.at(-2)?.hash;
      const d = await service.diff(req.params.id, from ?? prev ?? 'latest', to ?? 'latest', endpoint);
      return d ?? reply.code(404).send(notFound('one of the two snapshots does not exist'));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { endpoint?: string; since?: string; limit?: string } }>(
    '/api/cells/:id/drift',
    { schema: { params: cellParams } },
    async (req) => {
      const q = req.query;
      const opts = {
        ...(q.endpoint ? { endpoint: q.endpoint } : {}),
        ...(q.since ? { since: Number(q.since) } : {}),
        ...(q.limit ? { limit: Math.min(1000, Number(q.limit)) } : {}),
      };
      return { events: await service.drift(req.params.id, opts) };
    },
  );

  app.post<{ Params: { group: string }; Body: PinGoldenRequest }>(
    '/api/groups/:group/golden',
    { schema: { params: groupParams, body: PinGoldenRequest } },
    async (req, reply) => {
      const pin = await service.pinGolden(req.params.group, req.body);
      return pin ?? reply.code(404).send(notFound(`no snapshot of ${req.body.cell} to pin`));
    },
  );
};
