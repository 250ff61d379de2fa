// GET /api/audit (JSON, or an export as JSON Lines / CSV) and GET /api/audit/verify.
import { AuditEntryView, AuditQuery, AuditVerifyResponse, ErrorBody } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { requireRole } from '../kernel/guard.ts';
import { toCsv, toJsonl } from './export.ts';
import type { AuditLog } from './log.ts';

export function auditRoutes(app: FastifyInstance, audit: AuditLog): void {
  app.get<{ Querystring: AuditQuery }>(
    '/api/audit',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['audit'],
        summary: 'Audit entries in order; format=jsonl or csv downloads an export',
        querystring: AuditQuery,
        response: { 200: Type.Array(AuditEntryView), 401: ErrorBody },
      },
    },
    async (req, reply) => {
      const { format = 'json', after, subject } = req.query;
      const limit = req.query.limit ?? (format === 'json' ? 1000 : 10000);
      const entries = await audit.list({
        limit,
        ...(after === undefined ? {} : { after }),
        ...(subject ? { subject } : {}),
      });
      if (format === 'json') return entries;
      const csv = format === 'csv';
      void reply
        .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
        .header('content-disposition', `attachment; filename="cellfleet-audit.${csv ? 'csv' : 'jsonl'}"`);
      // Bypass the JSON response schema: this is a file, not the array above.
      return reply.serializer((s: string) => s).send(csv ? toCsv(entries) : toJsonl(entries));
    },
  );

  app.get(
    '/api/audit/verify',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['audit'],
        summary: 'Re-hash the whole chain',
        response: { 200: AuditVerifyResponse, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => {
      const v = await audit.verify();
      return v.ok
        ? { ok: true, count: v.count, head: v.head }
        : { ok: false, count: v.count, head: v.head, problem: { seq: v.seq, reason: v.reason } };
    },
  );
}
