// One HTTP route, declared once: method, path, schemas of what goes in and comes out, the
// minimum role, and whether a successful call is audited. The hub registers its routes from
// these declarations (fastify's TypeBox type provider types the handlers), OpenAPI is generated
// from them, and the web app's client is typed by them. The role table of the whole API is the
// `role` column of every declaration (api.ts), checked by a test that calls every route with
// every role.
import type { TSchema } from 'typebox';
import type { Role } from './common.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly method: Method;
  /** fastify syntax: `/api/cells/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly tags: readonly string[];
  /**
   * The least role that may call it (viewer < engineer < approver < admin), or `public`. A route
   * whose refusals must be audited (an approval by the wrong person) lets its service decide:
   * `roleCheck: 'service'`; every other route is guarded before its handler runs.
   */
  readonly role: Role | 'public';
  readonly roleCheck?: 'route' | 'service';
  /** A successful call writes an audit record (every change of state does). */
  readonly audited: boolean;
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  /** Status → body schema; the lowest 2xx is what a client gets back. */
  readonly responses: Readonly<Record<number, TSchema>>;
  /** Set when the route answers with a file or a stream instead of (or besides) JSON. */
  readonly produces?: readonly string[];
}

/** Keeps each declaration's literal types (paths, methods) while checking it is a RouteSpec. */
export const defineRoutes = <const T extends Record<string, RouteSpec>>(routes: T): T => routes;
export type { Static, TSchema } from 'typebox';
