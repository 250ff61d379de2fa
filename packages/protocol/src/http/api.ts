// The whole HTTP API of the hub, one row per route (route.ts). The hub registers exactly these
// routes (it refuses to start if one is missing or extra), OpenAPI is generated from them, the
// web app's client is typed by them, and a test calls every one with every role.
import { ACTION_ROUTES } from './actions.ts';
import { AUTH_ROUTES } from './auth.ts';
import { BUILD_ROUTES } from './builds.ts';
import { CELL_ROUTES } from './cells.ts';
import { ENROLL_ROUTES } from './enroll.ts';
import { FLEET_ROUTES } from './fleet.ts';
import { HISTORY_ROUTES } from './history.ts';
import { NOTIFY_ROUTES } from './notify.ts';
import { OPS_ROUTES } from './ops.ts';
import type { RouteSpec } from './route.ts';
import { SNAPSHOT_ROUTES } from './snapshots.ts';

export const API = {
  ...CELL_ROUTES,
  ...HISTORY_ROUTES,
  ...SNAPSHOT_ROUTES,
  ...ACTION_ROUTES,
  ...AUTH_ROUTES,
  ...ENROLL_ROUTES,
  ...BUILD_ROUTES,
  ...OPS_ROUTES,
  ...NOTIFY_ROUTES,
  ...FLEET_ROUTES,
} as const;
export type Api = typeof API;
export type RouteName = keyof Api;

// Compile-time: every row is a RouteSpec.
API satisfies Record<string, RouteSpec>;
