// The HTTP kernel for route tests: validation, errors and the auth hook, no logging.
import type { Actor } from '@cellfleet/core';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createHttpKernel } from './http.ts';

export function testKernel(
  auth: { authenticate(token: string): Promise<Actor | undefined> },
  options: { trustProxy?: boolean } = {},
): Promise<FastifyInstance> {
  return createHttpKernel({
    logger: pino({ level: 'silent' }),
    authenticate: (token) => auth.authenticate(token),
    ...options,
  });
}
