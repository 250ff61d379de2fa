// Notification channels, routes, deliveries and incidents over HTTP (a fastify plugin; roles
// and schemas from the protocol's contract: admins configure, anyone signed in sees incidents).
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../kernel/guard.ts';
import { route } from '../kernel/routes.ts';
import type { NotifyService } from './service.ts';

export async function notifyRoutes(
  app: FastifyInstance,
  d: { readonly notify: NotifyService; readonly now: () => number },
): Promise<void> {
  const { notify, now } = d;
  route(app, API.listChannels, () => notify.channels());
  route(app, API.createChannel, async (req, reply) =>
    reply.code(201).send(await notify.createChannel(actorOf(req).name, req.body, now())),
  );
  route(app, API.deleteChannel, async (req, reply) => {
    await notify.deleteChannel(actorOf(req).name, req.params.id, now());
    return reply.code(204).send(null);
  });
  route(app, API.testChannel, async (req, reply) =>
    reply.code(202).send(await notify.testChannel(actorOf(req).name, req.params.id, now())),
  );
  route(app, API.listNotificationRoutes, () => notify.routes());
  route(app, API.createNotificationRoute, async (req, reply) =>
    reply.code(201).send(await notify.createRoute(actorOf(req).name, req.body, now())),
  );
  route(app, API.deleteNotificationRoute, async (req, reply) => {
    await notify.deleteRoute(actorOf(req).name, req.params.id, now());
    return reply.code(204).send(null);
  });
  route(app, API.listDeliveries, (req) => notify.deliveries(req.query.limit ?? 100));
  route(app, API.listIncidents, (req) =>
    notify.incidents({ open: req.query.status !== 'all', limit: req.query.limit ?? 200 }),
  );
}
