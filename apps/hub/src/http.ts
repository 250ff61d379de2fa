// The HTTP API and the UI: the kernel (validation, errors, the caller check, OpenAPI), each
// feature's routes as a plugin, health for supervisors, and the web app's files. Before it
// serves, the registered routes are held against the protocol's contract: a declared route
// nobody registered, or an /api route nobody declared, stops the hub at start.
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { actionRoutes, buildRoutes, proposalRoutes } from './actions/index.ts';
import { auditRoutes } from './audit/index.ts';
import { authRoutes } from './auth/index.ts';
import { cellRoutes, enrollRoutes } from './cells/index.ts';
import { fleetRoutes } from './fleet/index.ts';
import { historyRoutes } from './history/index.ts';
import { createHttpKernel } from './kernel/http.ts';
import type { RejectLog } from './kernel/reject-log.ts';
import { contractGaps, route } from './kernel/routes.ts';
import { keyRoutes } from './keys/index.ts';
import type { LiveBus } from './live/live.ts';
import { eventRoutes } from './live/routes.ts';
import { type NotifyService, notifyRoutes } from './notify/index.ts';
import { healthRoutes } from './ops/health.ts';
import type { HubMetrics } from './ops/metrics.ts';
import { metricsRoutes } from './ops/routes.ts';
import type { Services } from './services.ts';
import { snapshotRoutes } from './snapshots/index.ts';
import { uiRoutes } from './ui/routes.ts';

export interface HttpDeps {
  readonly services: Services;
  readonly live: LiveBus;
  readonly logger: Logger;
  readonly now: () => number;
  readonly ready: () => Promise<Record<string, boolean>>;
  readonly rejects: RejectLog;
  /** HTTPS certificate and key (HubConfig http.tls, read by buildHub). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  readonly trustProxy?: boolean | readonly string[];
  /** The broker URL an enrollment token writes into an agent's config unless the admin names one. */
  readonly brokerUrl: () => string;
  readonly metrics: HubMetrics;
  readonly notify: NotifyService;
}

export async function buildHttp(d: HttpDeps): Promise<FastifyInstance> {
  const s = d.services;
  const app = await createHttpKernel({
    logger: d.logger,
    authenticate: (token) => s.auth.authenticate(token),
    ...(d.tls ? { tls: d.tls } : {}),
    ...(d.trustProxy === undefined ? {} : { trustProxy: d.trustProxy }),
  });
  const registered: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) registered.push({ method, url: r.url });
  });
  await healthRoutes(app, d.ready);
  await authRoutes(app, s.auth);
  await cellRoutes(app, {
    cells: s.cells,
    captures: s.captures,
    invocations: s.invocations,
    now: d.now,
    rejects: d.rejects,
  });
  await historyRoutes(app, { history: s.history, cells: s.cells, now: d.now });
  await enrollRoutes(app, { tokens: s.enrollTokens, now: d.now, brokerUrl: d.brokerUrl });
  await eventRoutes(app, d.live);
  await auditRoutes(app, s.audit);
  await keyRoutes(app, s.keyring);
  await actionRoutes(app, { actions: s.actions, now: d.now });
  await buildRoutes(app, { builds: s.builds, cells: s.cells });
  await proposalRoutes(app, { actions: s.actions, cells: s.cells, snapshots: s.snapshots, now: d.now });
  await snapshotRoutes(app, { snapshots: s.snapshots, audit: s.audit, sql: s.sql, now: d.now });
  await notifyRoutes(app, { notify: d.notify, now: d.now });
  await fleetRoutes(app, {
    sql: s.sql,
    fleet: s.fleet,
    enrollments: () => s.cells.listEnrollments(),
    now: d.now,
  });
  metricsRoutes(app, d.metrics);
  route(app, API.openapi, () => app.swagger());
  await uiRoutes(app);
  const gaps = contractGaps(API, registered);
  if (gaps.missing.length + gaps.undeclared.length > 0)
    throw new Error(
      `the HTTP routes differ from the contract (packages/protocol/src/http/api.ts): missing ${gaps.missing.join(', ') || 'none'}; undeclared ${gaps.undeclared.join(', ') || 'none'}`,
    );
  return app;
}
