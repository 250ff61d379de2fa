// The fleet store's ingest row: every stored probe's facts (server version, certificates) are
// folded into the cell's, after the ack; the agent need not wait for the change feed.
import type { KindHandler } from '../ingest/router.ts';
import type { FleetStore } from './store.ts';

export function fleetProbeHandler(fleet: FleetStore): KindHandler<'probe'> {
  return {
    owner: 'fleet',
    async afterAck(m) {
      await fleet.recordProbe(m.cell, m.body, m.body.startedAt);
    },
  };
}
