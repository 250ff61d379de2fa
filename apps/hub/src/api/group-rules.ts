// GET/PUT /api/groups/:group/rules: what the sister comparison ignores and how far numbers may
// differ before a cell counts as an outlier. Changing them is an engineer's decision, audited.
import { ErrorBody, GroupRules } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { AuditLog } from '../audit/index.ts';
import { actorOf, requireRole } from '../kernel/guard.ts';
import type { SnapshotService } from '../snapshots/index.ts';

const Params = Type.Object({ group: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

export function groupRuleRoutes(
  app: FastifyInstance,
  d: {
    snapshots: SnapshotService;
    audit: AuditLog;
    now: () => number;
    /** Runs work in one database transaction (Sql.tx). */
    tx: <T>(work: () => Promise<T>) => Promise<T>;
  },
): void {
  app.get<{ Params: { group: string } }>(
    '/api/groups/:group/rules',
    {
      schema: {
        tags: ['snapshots'],
        summary: 'Comparison rules of a sister group',
        params: Params,
        response: { 200: GroupRules },
      },
    },
    async (req) => (await d.snapshots.groupRules(req.params.group)) ?? {},
  );
  app.put<{ Params: { group: string }; Body: GroupRules }>(
    '/api/groups/:group/rules',
    {
      preHandler: requireRole('engineer'),
      schema: {
        tags: ['snapshots'],
        summary: 'Replace the comparison rules of a sister group (engineer)',
        params: Params,
        body: GroupRules,
        response: { 200: GroupRules, 400: ErrorBody },
      },
    },
    async (req) => {
      // The rules and their audit record commit together (same database, one transaction).
      await d.tx(async () => {
        await d.snapshots.setGroupRules(req.params.group, req.body);
        await d.audit.append(
          {
            actor: actorOf(req).name,
            event: 'group-rules.set',
            subject: `group:${req.params.group}`,
            data: req.body as never,
          },
          d.now(),
        );
      });
      return req.body;
    },
  );
}
