// Operations: the Prometheus scrape endpoint. It sits outside /api (where Prometheus looks by
// default) but is declared here like every route, so it gets the same bearer tokens and role
// guard: a `metrics` token (a user with the metrics role, which may read nothing else) or any
// signed-in role.
import Type from 'typebox';
import { ErrorBody } from './common.ts';
import { defineRoutes } from './route.ts';

/** Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export const OPS_ROUTES = defineRoutes({
  metrics: {
    method: 'GET',
    path: '/metrics',
    summary: "The hub's metrics in the Prometheus text format",
    tags: ['ops'],
    role: 'metrics',
    audited: false,
    responses: { 200: Type.String(), 401: ErrorBody, 403: ErrorBody },
    produces: [METRICS_CONTENT_TYPE],
  },
});
