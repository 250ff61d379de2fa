// What notifications do with stored agent messages (the ingest router's rows): a probe moves
// its endpoint's incident. After the ack: the agent need not wait for the on-call.
import type { KindHandler } from '../ingest/router.ts';
import type { NotifyService } from './service.ts';

export function notifyHandlers(notify: NotifyService, o: { now: () => number }) {
  const probe: KindHandler<'probe'> = {
    owner: 'notify',
    afterAck: (m) => notify.onProbe(m, o.now()),
  };
  return { probe: [probe] } as const;
}
