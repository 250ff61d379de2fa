// The baseline for ingest: the same broker and the same end-to-end ack, but a subscriber that
// stores nothing. It reads each message's id and cell and acknowledges as the hub does
// (INGEST_BATCH, apps/hub/src/ingest/pipeline.ts): messages are batched (written at 500 or 20 ms
// after the first), batches are handled one after the other, and each ends in one ack per cell
// naming all its ids — so the baseline does the hub's MQTT work minus validation and storage
// (issue 16 §7: acking each message alone made the baseline slower than the hub). With --embedded it
// also runs a bare aedes (no auth, no ACL) in this process, as the hub embeds its broker, with
// the hub's transport settings (listen backlog, TCP_NODELAY, retained messages looked up by
// topic for exact filters: apps/hub/src/broker/embedded.ts) so that only the hub's own work
// per connection and message differs.
//   node bench/lib/raw-acker.ts --embedded
//   node bench/lib/raw-acker.ts --url mqtt://127.0.0.1:1883 --user U --password P [--share G]
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { EMITTER_CONCURRENCY, INGEST_BATCH, indexRetainedByTopic, type RetainedStore } from '@cellfleet/hub';
import {
  buildTopic,
  createEnvelope,
  encodeMessage,
  hubSubscriptions,
  parseCellId,
} from '@cellfleet/protocol';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';

const { values: v } = parseArgs({
  options: {
    embedded: { type: 'boolean' },
    url: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    share: { type: 'string' },
  },
});
let url = v.url ?? '';
if (v.embedded) {
  // The hub's emitter setting too (embedded.ts, EMITTER_CONCURRENCY): the baseline differs only
  // in what the hub adds (auth, ACL, store).
  const broker = await Aedes.createBroker({ concurrency: EMITTER_CONCURRENCY });
  indexRetainedByTopic((broker as unknown as { persistence: RetainedStore }).persistence);
  const server = createServer({ noDelay: true }, broker.handle);
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const a = server.address();
  url = `mqtt://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}
const c = await mqtt.connectAsync(url, {
  username: v.user ?? 'raw',
  password: v.password ?? 'raw',
  protocolVersion: 4,
  clean: true,
  reconnectPeriod: 1000,
});
(c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
interface Queued {
  readonly id: string;
  readonly cell: string;
  readonly ref: NonNullable<ReturnType<typeof parseCellId>>;
}
let n = 0;
let queue: Queued[] = [];
let timer: NodeJS.Timeout | undefined;
let writing: Promise<void> = Promise.resolve();

function sendAck(ref: Queued['ref'], cell: string, ids: readonly string[]): Promise<unknown> {
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < ids.length; i += INGEST_BATCH.ackIds) {
    n++;
    const ack = createEnvelope({
      kind: 'ack',
      id: `raw-${n.toString(36).padStart(8, '0')}`,
      cell,
      ts: Date.now(),
      body: { ids: ids.slice(i, i + INGEST_BATCH.ackIds) },
    });
    acks.push(c.publishAsync(buildTopic(ref, 'ack'), Buffer.from(encodeMessage(ack)), { qos: 1 }));
  }
  return Promise.all(acks);
}

async function ackBatch(batch: readonly Queued[]): Promise<void> {
  const byCell = new Map<string, { ref: Queued['ref']; ids: string[] }>();
  for (const m of batch) {
    const e = byCell.get(m.cell) ?? { ref: m.ref, ids: [] };
    e.ids.push(m.id);
    byCell.set(m.cell, e);
  }
  await Promise.all([...byCell].map(([cell, e]) => sendAck(e.ref, cell, e.ids)));
}

function flush(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  const batch = queue;
  queue = [];
  if (batch.length > 0) writing = writing.then(() => ackBatch(batch));
}

c.on('message', (_topic, payload) => {
  const m = JSON.parse(payload.toString('utf8')) as { id: string; cell: string };
  const ref = parseCellId(m.cell);
  if (!ref) return;
  queue.push({ id: m.id, cell: m.cell, ref });
  if (queue.length >= INGEST_BATCH.max) flush();
  else timer ??= setTimeout(flush, INGEST_BATCH.ms);
});
await c.subscribeAsync(hubSubscriptions(v.share), { qos: 1 });
process.stdout.write(`raw-acker ready ${url}\n`);
process.once('SIGTERM', () => process.exit(0));
