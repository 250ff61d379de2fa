// Registers a route from its declaration in the protocol's HTTP contract (packages/protocol/
// src/http): method, path and schemas come from the declaration, fastify's TypeBox type
// provider types the handler's request and reply from those schemas, and the role guard
// comes from the declared role. A feature's routes file says only what each route does.
import type { Role, RouteSpec } from '@cellfleet/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  ContextConfigDefault,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { Static } from 'typebox';
import { requireRole } from './guard.ts';

/** A declaration's schemas in fastify's terms. */
export interface SchemaOf<R extends RouteSpec> {
  params: R['params'];
  querystring: R['query'];
  body: R['body'];
  response: R['responses'];
}

type Readonly2<T> = T extends (infer E)[]
  ? readonly Readonly2<E>[]
  : T extends object
    ? { readonly [K in keyof T]: Readonly2<T[K]> }
    : T;

/** The success statuses a route declares. */
type OkStatus<R extends RouteSpec> = Extract<keyof R['responses'], 200 | 201 | 202 | 204>;

/**
 * What a handler may return: the declared success body (domain values with readonly arrays
 * fit too), or the reply itself after sending something else (an error, a file, a stream).
 */
export type Reply<R extends RouteSpec> = Readonly2<Static<R['responses'][OkStatus<R>]>> | FastifyReply;

/** The request and reply are typed by fastify's TypeBox type provider from the declaration's schemas. */
export type Handler<R extends RouteSpec> = (
  this: FastifyInstance,
  req: FastifyRequest<
    RouteGenericInterface,
    RawServerDefault,
    RawRequestDefaultExpression,
    SchemaOf<R>,
    TypeBoxTypeProvider
  >,
  reply: FastifyReply<
    RouteGenericInterface,
    RawServerDefault,
    RawRequestDefaultExpression,
    RawReplyDefaultExpression,
    ContextConfigDefault,
    SchemaOf<R>,
    TypeBoxTypeProvider
  >,
) => Reply<R> | Promise<Reply<R>>;

/**
 * The role the guard checks before the handler: the declared one, or any viewer when the service
 * decides (and audits its refusals). A `metrics` token never gets that far: it reads /metrics only.
 */
export function guardRole(spec: RouteSpec): Role | undefined {
  if (spec.role === 'public') return undefined;
  return spec.roleCheck === 'service' ? 'viewer' : spec.role;
}

/** What a route adds to its declaration: a hook before the body is read (a rate limit). */
export interface RouteExtras {
  readonly onRequest?: onRequestHookHandler;
}

export function route<R extends RouteSpec>(
  app: FastifyInstance,
  spec: R,
  handler: Handler<R>,
  extras: RouteExtras = {},
): void {
  const role = guardRole(spec);
  app.withTypeProvider<TypeBoxTypeProvider>().route({
    method: spec.method,
    url: spec.path,
    schema: {
      summary: spec.summary,
      tags: [...spec.tags],
      description: spec.role === 'public' ? 'Public.' : `Needs the ${spec.role} role.`,
      ...(spec.role === 'public' ? { security: [] } : {}),
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { querystring: spec.query } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      response: spec.responses,
    },
    ...(extras.onRequest ? { onRequest: extras.onRequest } : {}),
    // Before validation: a caller without the role learns nothing about the route's input.
    ...(role ? { preValidation: requireRole(role) } : {}),
    handler: handler as unknown as RouteHandlerMethod,
  });
}

/** The declarations whose method and path fastify has no route for, and registered /api routes nobody declared. */
export function contractGaps(
  declared: Readonly<Record<string, RouteSpec>>,
  registered: ReadonlyArray<{ method: string; url: string }>,
): { missing: string[]; undeclared: string[] } {
  const key = (method: string, url: string) => `${method} ${url}`;
  const have = new Set(registered.map((r) => key(r.method, r.url)));
  const want = new Set(Object.values(declared).map((s) => key(s.method, s.path)));
  return {
    missing: Object.entries(declared)
      .filter(([, s]) => !have.has(key(s.method, s.path)))
      .map(([name, s]) => `${name} (${key(s.method, s.path)})`),
    undeclared: registered
      .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && !want.has(key(r.method, r.url)))
      .map((r) => key(r.method, r.url)),
  };
}

/**
 * Answers with a file (a report, an export) instead of the route's JSON response: the body is
 * sent as it is, with its content type and, for a download, the file name.
 */
export function sendFile(
  reply: FastifyReply,
  file: { readonly type: string; readonly body: string | Uint8Array; readonly filename?: string },
): FastifyReply {
  if (file.filename) reply.header('content-disposition', `attachment; filename="${file.filename}"`);
  // Bytes (a pcapng capture) go out as they are; fastify sends a Buffer without serializing.
  if (typeof file.body !== 'string') return reply.type(file.type).send(Buffer.from(file.body));
  return reply
    .type(file.type)
    .serializer((s: string) => s)
    .send(file.body);
}

/** Answers with a stream (an agent build) of a known length instead of the route's JSON response. */
export function sendStream(
  reply: FastifyReply,
  file: { readonly type: string; readonly body: NodeJS.ReadableStream; readonly size: number },
): FastifyReply {
  return reply.type(file.type).header('content-length', file.size).send(file.body);
}
