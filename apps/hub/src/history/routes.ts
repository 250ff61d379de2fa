// History over HTTP (issue 16): the fleet's trend and one cell's history, over 24 h or 7 d.
import { bucketTrend, TREND_RANGES } from '@cellfleet/core';
import { API } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import type { CellStore } from '../cells/store.ts';
import { AppError } from '../kernel/errors.ts';
import { route } from '../kernel/routes.ts';
import type { HistoryStore } from './store.ts';

export interface HistoryRouteDeps {
  readonly history: HistoryStore;
  readonly cells: Pick<CellStore, 'getEnrollment'>;
  readonly now: () => number;
}

export async function historyRoutes(app: FastifyInstance, d: HistoryRouteDeps): Promise<void> {
  route(app, API.getFleetTrend, async (req) => {
    const range = req.query.range ?? '24h';
    const to = d.now();
    const from = to - TREND_RANGES[range];
    const samples = await d.history.samples(from, to);
    return {
      range,
      from,
      to,
      since: await d.history.oldest(),
      points: bucketTrend(samples, { to, rangeMs: TREND_RANGES[range] }),
    };
  });

  route(app, API.getCellHistory, async (req) => {
    const { id } = req.params;
    if (!(await d.cells.getEnrollment(id))) throw new AppError('not-found', `no cell "${id}" is enrolled`);
    const range = req.query.range ?? '24h';
    const to = d.now();
    const from = to - TREND_RANGES[range];
    return { cell: id, range, from, to, ...(await d.history.cellHistory(id, from, to)) };
  });
}
