// The HTTP API: authentication first (every /api route needs a token or session), then the
// routes of each module. OpenAPI is generated from the same TypeBox schemas that validate.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { actionRoutes } from './actions/index.ts';
import { cellRoutes } from './api/cells.ts';
import { eventRoutes } from './api/events.ts';
import { groupRuleRoutes } from './api/group-rules.ts';
import { healthRoutes } from './api/health.ts';
import { notebookRoutes } from './api/notebook.ts';
import { proposalRoutes } from './api/proposals.ts';
import { uiRoutes } from './api/ui.ts';
import { installValidation } from './api/validation.ts';
import { auditRoutes } from './audit/index.ts';
import { authRoutes, installAuth, installErrorHandler } from './auth/index.ts';
import type { LiveBus } from './live/live.ts';
import type { Services } from './services.ts';
import { snapshotRoutes } from './snapshots/index.ts';

export interface HttpDeps {
  readonly services: Services;
  readonly live: LiveBus;
  readonly logger: Logger;
  readonly now: () => number;
  readonly ready: () => Promise<Record<string, boolean>>;
}

export async function buildHttp(d: HttpDeps): Promise<FastifyInstance> {
  // Per-request lines are info level; the hub logs requests only when they warn or fail.
  // (pino's Logger is wider than fastify's logger interface; fastify calls the common part.)
  const httpLog = d.logger.child({ svc: 'http' }, { level: d.logger.level === 'debug' ? 'debug' : 'warn' });
  const app: FastifyInstance = Fastify({ loggerInstance: httpLog as FastifyBaseLogger });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Cellfleet hub API',
        version: '0.1.0',
        description: 'Fleet state of OPC UA cells and their agents.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  installValidation(app);
  installErrorHandler(app);
  installAuth(app, d.services.auth);
  healthRoutes(app, d.ready);
  authRoutes(app, d.services.auth);
  cellRoutes(app, d.services.store);
  eventRoutes(app, d.live);
  notebookRoutes(app, d.services.store, { now: d.now });
  auditRoutes(app, d.services.audit);
  actionRoutes(app, { actions: d.services.actions, now: d.now });
  await app.register(snapshotRoutes, { service: d.services.snapshots });
  proposalRoutes(app, {
    store: d.services.store,
    snapshots: d.services.snapshots,
    actions: d.services.actions,
    now: d.now,
  });
  groupRuleRoutes(app, {
    snapshots: d.services.snapshots,
    audit: d.services.audit,
    now: d.now,
    tx: (work) => d.services.sql.tx(work),
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await uiRoutes(app);
  return app;
}
