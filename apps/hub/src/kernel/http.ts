// The HTTP kernel every route runs in: fastify with the request validators (validation.ts),
// one error handler that turns an AppError into its status and `{ code, message, field? }`,
// the caller check (guard.ts), the security headers (headers.ts), the rate limiter a route can
// ask for (the login), HTTPS when the hub is given a certificate, and OpenAPI generated from
// the routes' schemas. Features add their routes as plugins; hub.ts assembles them.

import { API } from '@cellfleet/protocol';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { AppError } from './errors.ts';
import { type Authenticate, installAuth } from './guard.ts';
import { installSecurityHeaders } from './headers.ts';
import { installValidation } from './validation.ts';

export interface HttpKernelOptions {
  readonly logger: Logger;
  readonly authenticate: Authenticate;
  /** Serve HTTPS with this PEM certificate (chain) and key. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** Which peers' X-Forwarded-For/-Proto to believe (HubConfig http.trustProxy); none by default. */
  readonly trustProxy?: boolean | readonly string[];
}

/** The /api routes the contract declares public (login). */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(
  Object.values(API)
    .filter((r) => r.role === 'public')
    .map((r) => r.path),
);

export async function createHttpKernel(o: HttpKernelOptions): Promise<FastifyInstance> {
  // Per-request lines are info level; the hub logs requests only when they warn or fail.
  // (pino's Logger is wider than fastify's logger interface; fastify calls the common part.)
  const httpLog = o.logger.child({ svc: 'http' }, { level: o.logger.level === 'debug' ? 'debug' : 'warn' });
  const app = Fastify({
    loggerInstance: httpLog as FastifyBaseLogger,
    trustProxy: typeof o.trustProxy === 'object' ? [...o.trustProxy] : (o.trustProxy ?? false),
    // fastify types an HTTPS instance apart; routes and hooks are the same on both.
    ...(o.tls ? { https: { cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' as const } } : {}),
  }) as unknown as FastifyInstance;
  await installSecurityHeaders(app);
  // Only routes that ask for it (`route(…, { onRequest: app.rateLimit(…) })`) are limited.
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Cellfleet hub API',
        version: '0.1.0',
        description: 'Fleet state of OPC UA cells and their agents.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  installValidation(app);
  installErrorHandler(app);
  installAuth(app, o.authenticate, (url) => PUBLIC_PATHS.has(url));
  return app;
}

/** Replies `{ code, message, field? }` (ErrorBody) for AppErrors and schema validation errors. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      const body = err.field === undefined ? {} : { field: err.field };
      // RFC 9110 §10.2.3: delay-seconds, a whole number.
      if (err.retryAfterS !== undefined) void reply.header('retry-after', String(err.retryAfterS));
      return reply.code(err.statusCode).send({ code: err.code, message: err.message, ...body });
    }
    if ('validation' in err && err.validation)
      return reply
        .code(400)
        .send({ code: 'bad-request', ...validationFailure(err.message, err.validation[0]) });
    const status = typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'request failed');
    return reply
      .code(status)
      .send({ code: status === 500 ? 'internal' : 'bad-request', message: err.message });
  });
}

/** What ajv reports of one failed check, as much of it as a message needs. */
interface SchemaFailure {
  readonly instancePath?: string;
  readonly params?: { readonly allowedValues?: unknown; readonly missingProperty?: unknown };
}

/**
 * The message and field of a request that failed its schema: the field at fault (`format`,
 * `endpoints.0.url`, a missing `cell`), and for a choice, the values it may take.
 */
export function validationFailure(
  message: string,
  first: SchemaFailure | undefined,
): { message: string; field?: string } {
  const path = (first?.instancePath ?? '').split('/').filter(Boolean);
  const missing = first?.params?.missingProperty;
  if (typeof missing === 'string') path.push(missing);
  const allowed = first?.params?.allowedValues;
  return {
    message: Array.isArray(allowed) ? `${message}: ${allowed.map(String).join(', ')}` : message,
    ...(path.length > 0 ? { field: path.join('.') } : {}),
  };
}
