// Which feature acts on which message kind once ingest has stored it (ingest/router.ts). The
// cell store keeps every message and folds its effect on the cell (core's foldCell) in the
// same transaction; these rows are what else happens. The type demands a row per kind the
// agents send, so a new kind fails to compile until it has one.
import type { Logger } from 'pino';
import { actionHandlers } from './actions/handlers.ts';
import type { SendToCell } from './broker/send.ts';
import { captureHandlers, invocationHandler } from './cells/index.ts';
import { fleetProbeHandler } from './fleet/index.ts';
import type { IngestRoutes } from './ingest/router.ts';
import { type NotifyService, notifyHandlers } from './notify/index.ts';
import { metricsHandler } from './ops/handlers.ts';
import type { HubMetrics } from './ops/metrics.ts';
import type { Services } from './services.ts';
import { snapshotHandlers } from './snapshots/handlers.ts';

export function ingestRoutes(
  s: Services,
  o: { send: SendToCell; now: () => number; logger: Logger; metrics: HubMetrics; notify: NotifyService },
): IngestRoutes {
  const actions = actionHandlers(s.actions, o);
  const snapshots = snapshotHandlers(s.snapshots, o.send);
  const notify = notifyHandlers(o.notify, o);
  return {
    birth: [...actions.birth, invocationHandler(s.invocations)],
    death: [],
    health: [metricsHandler(o.metrics)],
    probe: [...notify.probe, metricsHandler(o.metrics), fleetProbeHandler(s.fleet)],
    capture: captureHandlers(s.captures).capture,
    'snapshot-hash': snapshots['snapshot-hash'],
    'snapshot-delta': snapshots['snapshot-delta'],
    'snapshot-chunk': snapshots['snapshot-chunk'],
    'action-result': [...actions['action-result'], metricsHandler(o.metrics)],
  };
}
