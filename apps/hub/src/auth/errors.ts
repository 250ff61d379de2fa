// One error type for expected failures, with a string code; one table maps codes to HTTP
// status and CLI exit codes (CONVENTIONS.md). Lives here until the hub has a shared module.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const ERROR_STATUS = {
  'bad-request': 400,
  'invalid-parameters': 400,
  'invalid-window': 400,
  unauthenticated: 401,
  forbidden: 403,
  'missing-role': 403,
  'self-approval': 403,
  'not-proposer': 403,
  'not-found': 404,
  'unknown-cell': 404,
  conflict: 409,
  'wrong-state': 409,
  'duplicate-approval': 409,
  'already-dispatched': 409,
  'duplicate-result': 409,
  'not-dispatched': 409,
  'no-window': 422,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
  }

  /** Read by fastify's default error handler too, so the status is right even without ours. */
  get statusCode(): number {
    return ERROR_STATUS[this.code];
  }
}

/** CLI exit codes: 1 for a failure the user can act on, 2 for bad usage. */
export function exitCodeFor(err: unknown): number {
  return err instanceof AppError && ERROR_STATUS[err.code] === 400 ? 2 : 1;
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
