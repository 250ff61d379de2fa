// The HTTP API: authentication first (every /api route needs a token or session), then the
// routes of each module. OpenAPI is generated from the same TypeBox schemas that validate.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { actionRoutes } from './actions/index.ts';
import { cellRoutes } from './api/cells.ts';
import { eventRoutes } from './api/events.ts';
import { groupRuleRoutes } from './api/group-rules.ts';
import { healthRoutes } from './api/health.ts';
import { notebookRoutes } from './api/notebook.ts';
import { proposalRoutes } from './api/proposals.ts';
import { uiRoutes } from './api/ui.ts';
import { auditRoutes } from './audit/index.ts';
import { authRoutes, isPublicRoute } from './auth/index.ts';
import { createHttpKernel } from './kernel/http.ts';
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
  const app = await createHttpKernel({
    logger: d.logger,
    authenticate: (token) => d.services.auth.authenticate(token),
    isPublic: isPublicRoute,
  });
  healthRoutes(app, d.ready);
  authRoutes(app, d.services.auth);
  cellRoutes(app, d.services.cells);
  eventRoutes(app, d.live);
  notebookRoutes(app, d.services.cells, { now: d.now });
  auditRoutes(app, d.services.audit);
  actionRoutes(app, { actions: d.services.actions, now: d.now });
  await app.register(snapshotRoutes, { service: d.services.snapshots });
  proposalRoutes(app, {
    store: d.services.cells,
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
