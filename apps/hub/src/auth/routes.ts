// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, and admin-only user management.
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../kernel/errors.ts';
import { actorOf, SESSION_COOKIE, tokenOf } from '../kernel/guard.ts';
import { route } from '../kernel/routes.ts';
import type { AuthService } from './service.ts';
import { tooManyAttempts } from './throttle.ts';

/**
 * Sign-in attempts one client address may make per minute, right or wrong; past it, 429 with
 * Retry-After before the body is read or any password checked. A person signs in a few times a
 * shift; behind a proxy, set http.trustProxy so the address is the client's, not the proxy's.
 */
export const LOGINS_PER_MINUTE = 30;

/** `Secure` when the request came over TLS, to the hub itself or to a proxy it trusts. */
const cookieAttributes = (req: { readonly protocol: string }) =>
  `Path=/; HttpOnly; SameSite=Strict${req.protocol === 'https' ? '; Secure' : ''}`;

export async function authRoutes(app: FastifyInstance, auth: AuthService): Promise<void> {
  // @fastify/rate-limit: the maintained plugin for per-address counting with Retry-After, in
  // bounded memory (an LRU of addresses), keyed by req.ip (so fastify's trustProxy decides whose
  // address it is) with IPv6 clients grouped by subnet, as one host usually holds a whole /64.
  const perAddress = app.rateLimit({
    max: LOGINS_PER_MINUTE,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) =>
      tooManyAttempts(`too many sign-in attempts from this address; retry in ${ctx.after}`, ctx.ttl),
  });
  route(
    app,
    API.login,
    async (req, reply) => {
      const session = await auth.login(req.body.name, req.body.password, req.ip);
      // HttpOnly: scripts cannot read it; SameSite=Strict: other sites cannot make the browser send it.
      void reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=${session.token}; ${cookieAttributes(req)}; Expires=${new Date(session.expiresAt).toUTCString()}`,
      );
      return session;
    },
    { onRequest: perAddress },
  );

  route(app, API.logout, async (req, reply) => {
    const token = tokenOf(req);
    if (token) await auth.logout(token);
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=; ${cookieAttributes(req)}; Max-Age=0`)
      .code(204)
      .send(null);
  });

  route(app, API.me, async (req) => {
    const user = await auth.getUser(actorOf(req).name);
    if (!user) throw new AppError('unauthenticated', 'the user no longer exists');
    return user;
  });

  route(app, API.listUsers, () => auth.listUsers());
  route(app, API.createUser, async (req, reply) =>
    reply.code(201).send(await auth.addUser(actorOf(req).name, req.body.name, req.body.role)),
  );
  route(app, API.updateUser, async (req) => {
    const change = {
      ...(req.body.role ? { role: req.body.role } : {}),
      ...(req.body.disabled !== undefined ? { disabled: req.body.disabled } : {}),
    };
    return auth.updateUser(actorOf(req).name, req.params.name, change);
  });
  route(app, API.issueToken, async (req, reply) =>
    reply.code(201).send({ token: await auth.issueApiToken(actorOf(req).name, req.params.name) }),
  );
}
