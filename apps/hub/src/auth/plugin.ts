// Authentication for the HTTP API: a bearer token (`Authorization: Bearer cft.…` for scripts,
// the session token from login for the UI) or the session cookie set at login (the browser's
// EventSource cannot send headers). Secure by default: every route under /api/ needs it,
// except the few listed as public.
import type { Actor } from '@cellfleet/core';
import { hasRole } from '@cellfleet/core';
import type { Role } from '@cellfleet/protocol';
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { AppError } from './errors.ts';
import type { AuthService } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user; null only on public routes. */
    actor: Actor | null;
  }
}

export const SESSION_COOKIE = 'cellfleet_session';

/** Routes anyone may call: liveness/readiness for supervisors, and login itself. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/api/auth/login']);

function isPublic(url: string | undefined): boolean {
  // Unknown URLs (404) and the UI's static files are not under /api/ and carry no data.
  if (url === undefined) return true;
  return PUBLIC_ROUTES.has(url) || !url.startsWith('/api/');
}

export function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookies = req.headers.cookie?.split(';') ?? [];
  for (const c of cookies) {
    const [name, ...value] = c.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Adds the hook on `app` itself (not an encapsulated plugin), so it guards every route. */
export function installAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    const token = tokenOf(req);
    const actor = token ? await auth.authenticate(token) : undefined;
    if (actor) req.actor = actor;
    else if (!isPublic(req.routeOptions.url))
      throw new AppError('unauthenticated', 'a valid bearer token or session is required');
  });
}

/** preHandler: the caller must hold `role` or a higher one (viewer < engineer < approver < admin). */
export function requireRole(role: Role): preHandlerHookHandler {
  return async (req) => {
    const actor = req.actor;
    if (!actor) throw new AppError('unauthenticated', 'a valid bearer token or session is required');
    if (!hasRole(actor.role, role))
      throw new AppError('forbidden', `this needs the ${role} role; ${actor.name} is ${actor.role}`);
  };
}

/** The authenticated actor of a request that passed the auth hook. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthenticated', 'a valid bearer token or session is required');
  return req.actor;
}
