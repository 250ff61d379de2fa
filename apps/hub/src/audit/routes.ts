// GET /api/audit (JSON, or an export as JSON Lines / CSV) and GET /api/audit/verify.
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { route, sendFile } from '../kernel/routes.ts';
import { toCsv, toJsonl } from './export.ts';
import type { AuditLog } from './log.ts';

export async function auditRoutes(app: FastifyInstance, audit: AuditLog): Promise<void> {
  route(app, API.listAudit, async (req, reply) => {
    const { format = 'json', after, subject } = req.query;
    const limit = req.query.limit ?? (format === 'json' ? 1000 : 10000);
    const entries = await audit.list({
      limit,
      ...(after === undefined ? {} : { after }),
      ...(subject ? { subject } : {}),
    });
    if (format === 'json') return entries;
    const csv = format === 'csv';
    return sendFile(reply, {
      type: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      filename: `cellfleet-audit.${csv ? 'csv' : 'jsonl'}`,
      body: csv ? toCsv(entries) : toJsonl(entries),
    });
  });

  route(app, API.verifyAudit, async () => {
    const v = await audit.verify();
    return v.ok
      ? { ok: true, count: v.count, head: v.head }
      : { ok: false, count: v.count, head: v.head, problem: { seq: v.seq, reason: v.reason } };
  });
}
