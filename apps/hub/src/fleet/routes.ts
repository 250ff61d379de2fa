// GET /api/certificates (the fleet's certificate inventory, JSON or CSV) and GET /api/changes
// (the fleet change feed), both for any viewer.
import { certificateCsv, certificateInventory, expiryForecast } from '@cellfleet/core';
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { route, sendFile } from '../kernel/routes.ts';
import { type FeedDeps, fleetChanges } from './feed.ts';

export async function fleetRoutes(app: FastifyInstance, d: FeedDeps): Promise<void> {
  route(app, API.listCertificates, async (req, reply) => {
    const now = d.now();
    const enrolled = new Set((await d.enrollments()).map((e) => e.id));
    const sightings = (await d.fleet.certificateSightings()).filter(
      // A cell removed from the hub no longer uses anything.
      (s) => enrolled.has(s.cell) && (!req.query.role || s.role === req.query.role),
    );
    const certificates = certificateInventory(sightings, now);
    if (req.query.format === 'csv')
      return sendFile(reply, {
        type: 'text/csv; charset=utf-8',
        filename: 'cellfleet-certificates.csv',
        body: certificateCsv(certificates),
      });
    return { at: now, forecast: expiryForecast(certificates, now), certificates };
  });

  route(app, API.listChanges, (req) => fleetChanges(d, req.query));
}
