// One error type for expected failures, with a string code; one table maps each code to the
// HTTP status a route answers and the exit code a CLI command returns (CONVENTIONS.md: "One
// error type with codes"). Expected outcomes (a diagnosis, an outlier) are return values, not
// errors; a bug is a plain Error and becomes a 500 or exit 1 with its stack logged.

/** Exit codes of every hub command: 0 ok, 1 a failure the user can act on, 2 bad usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export const ERRORS = {
  usage: { status: 400, exit: EXIT.usage },
  'bad-request': { status: 400, exit: EXIT.usage },
  'invalid-parameters': { status: 400, exit: EXIT.usage },
  'invalid-window': { status: 400, exit: EXIT.usage },
  unauthenticated: { status: 401, exit: EXIT.failure },
  forbidden: { status: 403, exit: EXIT.failure },
  'missing-role': { status: 403, exit: EXIT.failure },
  'self-approval': { status: 403, exit: EXIT.failure },
  'not-proposer': { status: 403, exit: EXIT.failure },
  'not-found': { status: 404, exit: EXIT.failure },
  'unknown-cell': { status: 404, exit: EXIT.failure },
  conflict: { status: 409, exit: EXIT.failure },
  'wrong-state': { status: 409, exit: EXIT.failure },
  'duplicate-approval': { status: 409, exit: EXIT.failure },
  'already-dispatched': { status: 409, exit: EXIT.failure },
  'duplicate-result': { status: 409, exit: EXIT.failure },
  'not-dispatched': { status: 409, exit: EXIT.failure },
  'no-window': { status: 422, exit: EXIT.failure },
  /** Too many attempts (failed logins, a full queue of password checks): come back after Retry-After. */
  'rate-limited': { status: 429, exit: EXIT.failure },
} as const satisfies Record<string, { status: number; exit: number }>;
export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** The request field or command-line flag at fault, when there is one. */
  readonly field: string | undefined;
  /** Whole seconds a client should wait before trying again (the HTTP `Retry-After` header). */
  readonly retryAfterS: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { field?: string; cause?: unknown; retryAfterS?: number } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.retryAfterS = options.retryAfterS;
  }

  /** Read by fastify's default error handler too, so the status is right even without ours. */
  get statusCode(): number {
    return ERRORS[this.code].status;
  }
}

/** Bad command-line usage: a missing or malformed flag. Exit code 2. */
export class UsageError extends AppError {
  constructor(message: string, options: { field?: string } = {}) {
    super('usage', message, options);
    this.name = 'UsageError';
  }
}

/** The exit code for an error that ended a command: its code's, or 1 for anything unexpected. */
export function exitCodeFor(err: unknown): number {
  return err instanceof AppError ? ERRORS[err.code].exit : EXIT.failure;
}
