// Agent builds over HTTP: the list for people, the bytes for agents. An agent proves itself
// with HTTP Basic (its cell id and the secret it dials the broker with, checked like the broker
// checks it); to a user's token or a stranger the route answers 404 whether or not the build
// exists, so it tells nobody but an enrolled agent which builds the hub holds.

import { createReadStream } from 'node:fs';
import { API } from '@cellfleet/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { agentSecretMatches } from '../cells/secrets.ts';
import type { CellStore } from '../cells/store.ts';
import { AppError } from '../kernel/errors.ts';
import { route, sendStream } from '../kernel/routes.ts';
import type { AgentBuilds } from './builds.ts';

/** The cell whose agent sent valid Basic credentials, or undefined. */
async function agentOf(req: FastifyRequest, cells: CellStore): Promise<string | undefined> {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return undefined;
  const e = await cells.getEnrollment(decoded.slice(0, i));
  return e && agentSecretMatches(decoded.slice(i + 1), e.secretHash) ? e.id : undefined;
}

export async function buildRoutes(app: FastifyInstance, d: { builds: AgentBuilds; cells: CellStore }) {
  route(app, API.listAgentBuilds, () => d.builds.list());
  route(app, API.getAgentBuild, async (req, reply) => {
    const cell = await agentOf(req, d.cells);
    const file = cell ? await d.builds.file(req.params.sha256) : undefined;
    if (!file)
      throw new AppError(
        'not-found',
        `no agent build ${req.params.sha256} for these credentials (agents: HTTP Basic with the cell id and secret)`,
        { field: 'sha256' },
      );
    req.log.info({ cell, build: req.params.sha256 }, 'agent build download');
    return sendStream(reply, {
      type: 'application/octet-stream',
      body: createReadStream(file.path),
      size: file.size,
    });
  });
}
