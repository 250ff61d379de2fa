// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, and admin-only user management.
import {
  CreateUserRequest,
  CreateUserResponse,
  ErrorBody,
  LoginRequest,
  LoginResponse,
  UpdateUserRequest,
  UserView,
} from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { AppError } from '../kernel/errors.ts';
import { actorOf, requireRole, SESSION_COOKIE, tokenOf } from '../kernel/guard.ts';
import type { AuthService } from './service.ts';

const NameParams = Type.Object({ name: Type.String({ maxLength: 64 }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function authRoutes(app: FastifyInstance, auth: AuthService): void {
  app.post<{ Body: LoginRequest }>(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange name and password for a session token',
        body: LoginRequest,
        response: { 200: LoginResponse, ...errors },
      },
    },
    async (req, reply) => {
      const session = await auth.login(req.body.name, req.body.password);
      // HttpOnly: scripts cannot read it; SameSite=Strict: other sites cannot make the browser send it.
      void reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=${session.token}; Path=/; HttpOnly; SameSite=Strict; Expires=${new Date(session.expiresAt).toUTCString()}`,
      );
      return session;
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], response: { 204: Type.Null() } } },
    async (req, reply) => {
      const token = tokenOf(req);
      if (token) await auth.logout(token);
      return reply
        .header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
        .code(204)
        .send();
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], response: { 200: UserView, 401: ErrorBody } } },
    async (req) => {
      const user = await auth.getUser(actorOf(req).name);
      if (!user) throw new AppError('unauthenticated', 'the user no longer exists');
      return user;
    },
  );

  const admin = { preHandler: requireRole('admin') };
  app.get(
    '/api/users',
    { ...admin, schema: { tags: ['auth'], response: { 200: Type.Array(UserView), ...errors } } },
    () => auth.listUsers(),
  );

  app.post<{ Body: CreateUserRequest }>(
    '/api/users',
    {
      ...admin,
      schema: { tags: ['auth'], body: CreateUserRequest, response: { 201: CreateUserResponse, ...errors } },
    },
    async (req, reply) =>
      reply.code(201).send(await auth.addUser(actorOf(req).name, req.body.name, req.body.role)),
  );

  app.patch<{ Params: { name: string }; Body: UpdateUserRequest }>(
    '/api/users/:name',
    {
      ...admin,
      schema: {
        tags: ['auth'],
        params: NameParams,
        body: UpdateUserRequest,
        response: { 200: UserView, ...errors },
      },
    },
    async (req) => {
      const change = {
        ...(req.body.role ? { role: req.body.role } : {}),
        ...(req.body.disabled !== undefined ? { disabled: req.body.disabled } : {}),
      };
      return auth.updateUser(actorOf(req).name, req.params.name, change);
    },
  );

  app.post<{ Params: { name: string } }>(
    '/api/users/:name/tokens',
    {
      ...admin,
      schema: {
        tags: ['auth'],
        params: NameParams,
        response: { 201: Type.Object({ token: Type.String() }), ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send({ token: await auth.issueApiToken(actorOf(req).name, req.params.name) }),
  );
}

/** The /api routes anyone may call: login itself. */
export const isPublicRoute = (url: string): boolean => url === '/api/auth/login';
