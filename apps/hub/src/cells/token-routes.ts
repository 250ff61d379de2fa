// Enrollment tokens over HTTP: an admin creates, lists and revokes them; an agent exchanges one
// at POST /api/enroll, the only public route that hands out a secret. It is rate-limited per
// source address by @fastify/rate-limit (registered once by the kernel, global off), on this
// route alone, and every refusal is audited by the service.
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../kernel/errors.ts';
import { actorOf } from '../kernel/guard.ts';
import { route } from '../kernel/routes.ts';
import type { EnrollTokenService } from './tokens.ts';

export interface EnrollRouteDeps {
  readonly tokens: EnrollTokenService;
  readonly now: () => number;
  /** The broker written into a config when the admin names none: what the hub's agents dial. */
  readonly brokerUrl: () => string;
  /** Exchanges per source address and minute (default 10). */
  readonly exchangesPerMinute?: number;
}

export async function enrollRoutes(app: FastifyInstance, d: EnrollRouteDeps): Promise<void> {
  route(app, API.createEnrollToken, async (req, reply) => {
    const b = req.body;
    const brokerUrl = b.brokerUrl ?? d.brokerUrl();
    if (!brokerUrl)
      throw new AppError('bad-request', 'brokerUrl is required: the hub has no broker URL to offer', {
        field: 'brokerUrl',
      });
    const created = await d.tokens.create(
      actorOf(req).name,
      {
        site: b.site,
        line: b.line,
        cell: b.cell,
        sisterGroup: b.sisterGroup,
        endpoints: b.endpoints ?? [],
        brokerUrl,
        ...(b.ttlSeconds === undefined ? {} : { ttlSeconds: b.ttlSeconds }),
      },
      d.now(),
    );
    return reply.code(201).send(created);
  });
  route(app, API.listEnrollTokens, () => d.tokens.list(d.now()));
  route(app, API.revokeEnrollToken, (req) => d.tokens.revoke(actorOf(req).name, req.params.id, d.now()));

  const perAddress = app.rateLimit({
    max: d.exchangesPerMinute ?? 10,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) =>
      new AppError('rate-limited', `too many enrollment attempts from this address; retry in ${ctx.after}`),
  });
  route(app, API.enroll, (req) => d.tokens.redeem(req.body.token, req.ip, d.now()), {
    onRequest: perAddress,
  });
}
