// Ingest: topic + payload → checked envelope → batched, idempotent store write → ack.
// The ack goes out only after the batch is committed, so an ack always means "stored"; a
// resent message is stored once and acknowledged again.
import {
  buildTopic,
  type CellRef,
  cellId,
  createEnvelope,
  decodeMessage,
  type Envelope,
  encodeMessage,
  formatIssues,
  MESSAGE_KINDS,
  parseTopic,
} from '@cellfleet/protocol';
import type { Logger } from 'pino';
import { createRejectLog, type RejectLog } from '../kernel/reject-log.ts';
import type { Router } from './router.ts';

/** Where a batch is stored: idempotent by message id, one transaction (the cell store). */
export interface BatchStore {
  ingest(batch: readonly Envelope[], receivedAt: number): Promise<{ readonly fresh: readonly Envelope[] }>;
}

export interface IngestOptions {
  readonly store: BatchStore;
  readonly publish: (topic: string, payload: Uint8Array) => Promise<void>;
  readonly newId: () => string;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The features that act on stored messages, by kind (router.ts). */
  readonly router: Router;
  /** Called with the messages each batch stored for the first time, after the acks (live updates). */
  readonly onStored?: (fresh: readonly Envelope[]) => void;
  readonly batchMs?: number;
  readonly batchMax?: number;
  /** Where refusals are counted and logged in aggregate (one line per cell per interval). */
  readonly rejects?: RejectLog;
  /** Told, per message acknowledged, how long it took from arrival to its ack (metrics). */
  readonly observeAck?: (ms: number) => void;
}

/** Why a message was refused, in a few words that make bounded metric labels. */
export const REJECT_REASONS = ['topic', 'direction', 'schema', 'cell-mismatch', 'channel'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface IngestStats {
  received: number;
  stored: number;
  duplicates: number;
  rejected: number;
  rejectedBy: Record<RejectReason, number>;
}

export interface Ingest {
  accept(topic: string, payload: Uint8Array): void;
  /** Writes whatever is queued now; resolves when it is stored and acknowledged. */
  flush(): Promise<void>;
  stats(): IngestStats;
}

/**
 * How the hub batches: a batch is written when it holds `max` messages or `ms` after its first;
 * each batch ends in one ack per cell naming up to `ackIds` message ids. bench/lib/raw-acker.ts,
 * the ingest baseline, acknowledges the same way.
 */
export const INGEST_BATCH = { ms: 20, max: 500, ackIds: 1000 } as const;

export function createIngest(o: IngestOptions): Ingest {
  const now = o.now ?? Date.now;
  const batchMs = o.batchMs ?? INGEST_BATCH.ms;
  const batchMax = o.batchMax ?? INGEST_BATCH.max;
  const stats: IngestStats = {
    received: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    rejectedBy: { topic: 0, direction: 0, schema: 0, 'cell-mismatch': 0, channel: 0 },
  };
  let queue: Array<{ message: Envelope; ref: CellRef; at: number }> = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const rejects = o.rejects ?? createRejectLog({ logger: o.logger });

  function reject(c: Rejected, topic: string): void {
    const { reason, ack } = c;
    stats.rejected++;
    stats.rejectedBy[c.why]++;
    const t = parseTopic(topic);
    rejects.note(ack ? cellId(ack.ref) : t.ok ? cellId(t.ref) : undefined, 'invalid-message', {
      topic,
      why: reason,
    });
    // Acknowledge what cannot ever be stored, so the agent's outbox does not resend it forever.
    if (ack) void sendAck(ack.ref, [ack.id]);
  }

  function accept(topic: string, payload: Uint8Array): void {
    stats.received++;
    const c = classify(topic, payload);
    if ('reason' in c) {
      reject(c, topic);
      return;
    }
    queue.push({ ...c, at: now() });
    if (queue.length >= batchMax) void flush();
    else timer ??= setTimeout(() => void flush(), batchMs);
  }

  async function write(batch: Array<{ message: Envelope; ref: CellRef; at: number }>): Promise<void> {
    const { fresh } = await o.store.ingest(
      batch.map((b) => b.message),
      now(),
    );
    stats.stored += fresh.length;
    stats.duplicates += batch.length - fresh.length;
    // Stored in the cell store already; a handler that fails is logged and the ack still goes
    // out (a snapshot whose content was not kept is noticed by the snapshot service on the
    // next delta, missing its base, and asked for in full again).
    if (fresh.length > 0) await o.router.beforeAck(fresh);
    const byCell = new Map<string, { ref: CellRef; ids: string[] }>();
    for (const { message, ref } of batch) {
      const entry = byCell.get(message.cell) ?? { ref, ids: [] };
      entry.ids.push(message.id);
      byCell.set(message.cell, entry);
    }
    await Promise.all([...byCell.values()].map((e) => sendAck(e.ref, e.ids)));
    if (o.observeAck) {
      const acked = now();
      for (const b of batch) o.observeAck(acked - b.at);
    }
    if (fresh.length > 0) {
      o.router.afterAck(fresh);
      o.onStored?.(fresh);
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return writing;
    // Writes are serialised: a batch is committed and acknowledged before the next starts.
    writing = writing.then(() =>
      write(batch).catch((err: Error) => {
        // Not acknowledged, so the agents will resend; nothing is lost.
        o.logger.error({ err: err.message, size: batch.length }, 'ingest: store write failed');
      }),
    );
    return writing;
  }

  async function sendAck(ref: CellRef, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += INGEST_BATCH.ackIds) {
      const ack = createEnvelope({
        kind: 'ack',
        id: o.newId(),
        cell: cellId(ref),
        ts: now(),
        body: { ids: ids.slice(i, i + INGEST_BATCH.ackIds) },
      });
      await o.publish(buildTopic(ref, 'ack'), encodeMessage(ack)).catch((err: Error) => {
        o.logger.warn({ cell: cellId(ref), err: err.message }, 'ingest: ack not sent; the agent will resend');
      });
    }
  }

  return { accept, flush, stats: () => ({ ...stats, rejectedBy: { ...stats.rejectedBy } }) };
}

interface Rejected {
  readonly why: RejectReason;
  readonly reason: string;
  readonly ack?: { ref: CellRef; id: string };
}
type Classified = { message: Envelope; ref: CellRef } | Rejected;

/** Topic and envelope must agree: the cell in both, and the kind on its own channel. */
function classify(topic: string, payload: Uint8Array): Classified {
  const t = parseTopic(topic);
  if (!t.ok) return { why: 'topic', reason: t.reason };
  if (t.direction !== 'up') return { why: 'direction', reason: 'not an up channel' };
  const decoded = decodeMessage(payload);
  if (!decoded.ok) {
    const id = readableId(payload);
    return {
      why: 'schema',
      reason: formatIssues(decoded.issues),
      ...(id ? { ack: { ref: t.ref, id } } : {}),
    };
  }
  const m = decoded.message;
  const expected = cellId(t.ref);
  if (m.cell !== expected)
    return { why: 'cell-mismatch', reason: `envelope cell ${m.cell} differs from topic cell ${expected}` };
  const channel = MESSAGE_KINDS[m.kind].channel;
  if (channel !== t.channel) {
    return {
      why: 'channel',
      reason: `${m.kind} belongs on the ${channel} channel`,
      ack: { ref: t.ref, id: m.id },
    };
  }
  return { message: m, ref: t.ref };
}

function readableId(payload: Uint8Array): string | undefined {
  try {
    const id = (JSON.parse(Buffer.from(payload).toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
