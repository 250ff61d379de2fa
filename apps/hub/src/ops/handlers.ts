// What the metrics learn from stored agent messages (the ingest router's rows): probe and
// ladder-step timings, the agents' own ack round trips, action outcomes.
import type { Envelope, UpKind } from '@cellfleet/protocol';
import type { KindHandler } from '../ingest/router.ts';
import type { HubMetrics } from './metrics.ts';

export function metricsHandler<K extends UpKind>(metrics: HubMetrics): KindHandler<K> {
  return {
    owner: 'metrics',
    async afterAck(m) {
      metrics.observe(m as Envelope);
    },
  };
}
