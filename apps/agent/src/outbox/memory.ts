// An outbox in memory, with the same contract as the durable one (outbox.ts) minus surviving a
// restart: the fleet simulator runs thousands of real agent cores in one process on these.
import { encodeMessage, MESSAGE_KINDS } from '@cellfleet/protocol';
import type { Outbox, OutboxLimits, PendingMessage } from './outbox.ts';

interface Held extends PendingMessage {
  readonly createdAt: number;
}

export function createMemoryOutbox(limits: OutboxLimits): Outbox {
  // Insertion order is sequence order: a Map keeps it, and deletes by id are O(1).
  const held = new Map<string, Held>();
  let seq = 0;
  let session = 0;
  let bytes = 0;
  let droppedForSize = 0;
  let droppedForAge = 0;
  const drop = (id: string) => {
    const m = held.get(id);
    if (!m) return false;
    held.delete(id);
    bytes -= m.payload.byteLength;
    return true;
  };
  return {
    nextSession(now) {
      session = Math.max(session + 1, Math.floor(now));
      return session;
    },
    enqueue(build, now) {
      const message = build(++seq);
      const payload = encodeMessage(message);
      held.set(message.id, {
        id: message.id,
        seq,
        kind: message.kind,
        payload,
        retained: MESSAGE_KINDS[message.kind].retained,
        createdAt: now,
      });
      bytes += payload.byteLength;
      while (held.size > limits.maxMessages || bytes > limits.maxBytes) {
        const oldest = held.keys().next().value;
        if (oldest === undefined || !drop(oldest)) break;
        droppedForSize++;
      }
      return message;
    },
    pending(limit) {
      const out: PendingMessage[] = [];
      for (const m of held.values()) {
        if (out.length >= limit) break;
        out.push(m);
      }
      return out;
    },
    ack(ids) {
      let n = 0;
      for (const id of ids) if (drop(id)) n++;
      return n;
    },
    expire(now) {
      let n = 0;
      for (const m of held.values()) {
        if (m.createdAt >= now - limits.maxAgeMs) break;
        drop(m.id);
        n++;
      }
      droppedForAge += n;
      return n;
    },
    stats(now) {
      const oldest = held.values().next().value;
      return {
        outboxDepth: held.size,
        outboxBytes: bytes,
        oldestAgeMs: oldest ? Math.max(0, now - oldest.createdAt) : 0,
        droppedForSize,
        droppedForAge,
      };
    },
    close() {
      held.clear();
    },
  };
}
