// Snapshots, drift and the sister comparison over HTTP (a fastify plugin; roles and schemas
// come from the protocol's contract). Changing what a group is compared against — its rules,
// its golden baseline — is an engineer's decision and is audited with the change, in one
// transaction.

import { type Json, REPORT_CONTENT_TYPES, renderComparison } from '@cellfleet/core';
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/index.ts';
import type { Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';
import { actorOf } from '../kernel/guard.ts';
import { route, sendFile } from '../kernel/routes.ts';
import type { SnapshotService } from './service.ts';

export interface SnapshotRouteDeps {
  readonly snapshots: SnapshotService;
  readonly audit: AuditLog;
  readonly sql: Sql;
  readonly now: () => number;
}

const notFound = (what: string) => new AppError('not-found', what);

export async function snapshotRoutes(app: FastifyInstance, d: SnapshotRouteDeps): Promise<void> {
  const { snapshots } = d;
  /** A change and its audit record commit together (same database, one transaction). */
  const audited = <T>(actor: string, event: string, subject: string, change: () => Promise<T>) =>
    d.sql.tx(async () => {
      const out = await change();
      await d.audit.append({ actor, event, subject, data: out as Json }, d.now());
      return out;
    });

  route(app, API.getComparison, async (req, reply) => {
    const { format = 'json', endpoint } = req.query;
    const comparison = await snapshots.compare(req.params.group, endpoint === undefined ? {} : { endpoint });
    if (format === 'json') return comparison;
    return sendFile(reply, {
      type: REPORT_CONTENT_TYPES[format],
      body: renderComparison(comparison, format),
      ...(format === 'csv' ? { filename: `${req.params.group}-comparison.csv` } : {}),
    });
  });

  route(app, API.getGroupRules, async (req) => (await snapshots.groupRules(req.params.group)) ?? {});

  route(app, API.putGroupRules, async (req) => {
    const { group } = req.params;
    return audited(actorOf(req).name, 'group-rules.set', `group:${group}`, async () => {
      await snapshots.setGroupRules(group, req.body);
      return req.body;
    });
  });

  route(app, API.pinGolden, async (req) => {
    const { group } = req.params;
    const { cell } = req.body;
    // A baseline from outside the group would make "align with sisters" push another group's values.
    if (!(await snapshots.isMember(group, cell)))
      throw new AppError('conflict', `${cell} is not in sister group "${group}"`, { field: 'cell' });
    return audited(actorOf(req).name, 'golden.pinned', `group:${group}`, async () => {
      const pin = await snapshots.pinGolden(group, req.body);
      if (!pin) throw notFound(`no snapshot of ${cell} to pin`);
      return pin;
    });
  });

  route(app, API.listSnapshots, async (req) => ({
    versions: await snapshots.versions(req.params.id, req.query.endpoint),
  }));

  route(app, API.getSnapshot, async (req) => {
    const found = await snapshots.snapshot(req.params.id, req.params.hash, req.query.endpoint);
    if (!found) throw notFound(`no snapshot ${req.params.hash} for ${req.params.id}`);
    return found;
  });

  route(app, API.getDiff, async (req) => {
    const { from, to, endpoint } = req.query;
    const versions = await snapshots.versions(req.params.id, endpoint);
    const prev = versions.at(-2)?.hash;
    const d2 = await snapshots.diff(req.params.id, from ?? prev ?? 'latest', to ?? 'latest', endpoint);
    if (!d2) throw notFound('one of the two snapshots does not exist');
    return d2;
  });

  route(app, API.listDrift, async (req) => {
    const { endpoint, since, limit } = req.query;
    const opts = {
      ...(endpoint ? { endpoint } : {}),
      ...(since === undefined ? {} : { since }),
      ...(limit === undefined ? {} : { limit }),
    };
    return { events: await snapshots.drift(req.params.id, opts) };
  });
}
