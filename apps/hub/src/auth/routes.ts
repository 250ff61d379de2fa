// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, and admin-only user management.
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../kernel/errors.ts';
import { actorOf, SESSION_COOKIE, tokenOf } from '../kernel/guard.ts';
import { route } from '../kernel/routes.ts';
import type { AuthService } from './service.ts';

export async function authRoutes(app: FastifyInstance, auth: AuthService): Promise<void> {
  route(app, API.login, async (req, reply) => {
    const session = await auth.login(req.body.name, req.body.password);
    // HttpOnly: scripts cannot read it; SameSite=Strict: other sites cannot make the browser send it.
    void reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${session.token}; Path=/; HttpOnly; SameSite=Strict; Expires=${new Date(session.expiresAt).toUTCString()}`,
    );
    return session;
  });

  route(app, API.logout, async (req, reply) => {
    const token = tokenOf(req);
    if (token) await auth.logout(token);
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
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
