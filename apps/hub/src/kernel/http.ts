// The HTTP kernel every route runs in: fastify with the request validators (validation.ts),
// one error handler that turns an AppError into its status and `{ code, message, field? }`,
// the caller check (guard.ts), and OpenAPI generated from the routes' schemas. Features add
// their routes as plugins; hub.ts assembles them.

import { API } from '@cellfleet/protocol';
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
import { installValidation } from './validation.ts';

export interface HttpKernelOptions {
  readonly logger: Logger;
  readonly authenticate: Authenticate;
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
  const app: FastifyInstance = Fastify({ loggerInstance: httpLog as FastifyBaseLogger });
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
      return reply.code(err.statusCode).send({ code: err.code, message: err.message, ...body });
    }
    if ('validation' in err && err.validation)
      return reply.code(400).send({ code: 'bad-request', message: err.message });
    const status = typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'request failed');
    return reply
      .code(status)
      .send({ code: status === 500 ? 'internal' : 'bad-request', message: err.message });
  });
}
