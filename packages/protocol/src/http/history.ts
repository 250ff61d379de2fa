// HTTP DTOs for history as pictures (issue 16): the fleet's faulted and offline counts over
// time, and one cell's probes and liveness over time, and their routes.
import Type from 'typebox';
import { CellParams } from './cells.ts';
import { ErrorBody, Millis, Nullable, StringEnum } from './common.ts';
import { defineRoutes } from './route.ts';

export const HistoryRange = StringEnum(['24h', '7d'], {
  description: 'How far back: the last 24 hours or the last 7 days',
});
export type HistoryRange = Type.Static<typeof HistoryRange>;

const RangeQuery = Type.Object({ range: Type.Optional(HistoryRange) });

export const TrendPoint = Type.Object({
  at: Millis,
  total: Type.Integer({ minimum: 0 }),
  faulted: Type.Integer({ minimum: 0 }),
  offline: Type.Integer({ minimum: 0 }),
});
export type TrendPoint = Type.Static<typeof TrendPoint>;

export const FleetTrendView = Type.Object({
  range: HistoryRange,
  from: Millis,
  to: Millis,
  /** The oldest sample the hub keeps; null before the first. A fresh hub's chart starts here. */
  since: Nullable(Millis),
  /** The worst count per bucket, oldest first; a bucket without samples is left out. */
  points: Type.Array(TrendPoint),
});
export type FleetTrendView = Type.Static<typeof FleetTrendView>;

export const HistoryProbe = Type.Object({
  at: Millis,
  endpoint: Type.String(),
  client: Type.Optional(Type.String()),
  ok: Type.Boolean(),
  code: Type.String(),
  durationMs: Type.Number(),
  /** Each ladder step's time (tcp, hello, endpoints, session, …). */
  steps: Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean(), ms: Type.Number() })),
});
export type HistoryProbe = Type.Static<typeof HistoryProbe>;

export const CellHistoryView = Type.Object({
  cell: Type.String(),
  range: HistoryRange,
  from: Millis,
  to: Millis,
  /** Oldest first. */
  probes: Type.Array(HistoryProbe),
  /** The agent's connections and deaths as the hub received them, oldest first. */
  liveness: Type.Array(Type.Object({ at: Millis, online: Type.Boolean() })),
  /** True when the range held more probes than one answer carries (the newest are kept). */
  truncated: Type.Boolean(),
});
export type CellHistoryView = Type.Static<typeof CellHistoryView>;

export const HISTORY_ROUTES = defineRoutes({
  getFleetTrend: {
    method: 'GET',
    path: '/api/fleet/trend',
    summary: 'Faulted and offline cells over the last 24 h or 7 d, from the counts the hub stores',
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    query: RangeQuery,
    responses: { 200: FleetTrendView },
  },
  getCellHistory: {
    method: 'GET',
    path: '/api/cells/:id/history',
    summary: "One cell's probes (ladder step times, diagnosis) and liveness over the last 24 h or 7 d",
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    params: CellParams,
    query: RangeQuery,
    responses: { 200: CellHistoryView, 404: ErrorBody },
  },
});
