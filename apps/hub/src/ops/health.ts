// Liveness and readiness for process supervisors and load balancers.

import type { FastifyInstance } from 'fastify';
import Type from 'typebox';

const Ready = Type.Object({ ready: Type.Boolean(), checks: Type.Record(Type.String(), Type.Boolean()) });

export function healthRoutes(app: FastifyInstance, ready: () => Promise<Record<string, boolean>>): void {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    () => ({
      ok: true,
    }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_req, reply) => {
      const checks = await ready();
      const isReady = Object.values(checks).every(Boolean);
      return reply.code(isReady ? 200 : 503).send({ ready: isReady, checks });
    },
  );
}
