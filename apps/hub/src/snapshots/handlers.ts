// What the snapshot service does with stored snapshot messages (the ingest router's rows):
// keep the content before the ack goes out, and ask the agent for a full copy when a delta or
// hash arrives for content the hub does not have.
import type { SendToCell } from '../broker/send.ts';
import type { KindHandler } from '../ingest/router.ts';
import type { SnapshotService } from './service.ts';

type SnapshotKind = 'snapshot-hash' | 'snapshot-delta' | 'snapshot-chunk';

export function snapshotHandlers(service: SnapshotService, send: SendToCell) {
  const keep: KindHandler<SnapshotKind> = {
    owner: 'snapshots',
    async beforeAck(m) {
      const r = await service.ingest(m);
      for (const reply of r.replies) await send(reply);
    },
  };
  return { 'snapshot-hash': [keep], 'snapshot-delta': [keep], 'snapshot-chunk': [keep] } as const;
}
