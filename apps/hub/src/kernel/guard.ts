// Who is calling, and may they: the one role guard of the HTTP API. A request carries a bearer
// token (`Authorization: Bearer cft.…` for scripts, the session token from login for the UI)
// or the session cookie set at login (the browser's EventSource cannot send headers). Secure by
// default: every route under /api/ needs a caller, except the few declared public.
import type { Actor } from '@cellfleet/core';
import { hasRole } from '@cellfleet/core';
import type { Role } from '@cellfleet/protocol';
import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user; null only on public routes. */
    actor: Actor | null;
  }
}

export const SESSION_COOKIE = 'cellfleet_session';

/** Resolves a bearer or session token to its user; undefined when it is unknown, expired or revoked. */
export type Authenticate = (token: string) => Promise<Actor | undefined>;

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

const unauthenticated = () => new AppError('unauthenticated', 'a valid bearer token or session is required');

/**
 * Adds the hook on `app` itself (not an encapsulated plugin), so it guards every route. A path
 * outside /api/ (the UI's static files, /healthz) carries no data and needs no caller;
 * `isPublic` names the /api routes that need none either (login).
 */
export function installAuth(
  app: FastifyInstance,
  authenticate: Authenticate,
  isPublic: (routeUrl: string) => boolean,
): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    const token = tokenOf(req);
    const actor = token ? await authenticate(token) : undefined;
    if (actor) req.actor = actor;
    else {
      const url = req.routeOptions.url;
      if (url?.startsWith('/api/') && !isPublic(url)) throw unauthenticated();
    }
  });
}

/** preValidation: the caller must hold `role` or a higher one (viewer < engineer < approver < admin). */
export function requireRole(role: Role): preValidationHookHandler {
  return async (req) => {
    const actor = actorOf(req);
    if (!hasRole(actor.role, role))
      throw new AppError('forbidden', `this needs the ${role} role; ${actor.name} is ${actor.role}`);
  };
}

/** The authenticated actor of a request that passed the auth hook. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthenticated();
  return req.actor;
}
