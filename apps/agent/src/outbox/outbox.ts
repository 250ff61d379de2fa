// The durable outbox. Every message is committed to SQLite before it is sent, and leaves only
// when the hub says it has stored it (an `ack` naming its id); a broker PUBACK only means the
// broker has it. Bounded by count, bytes and age: when a bound is hit the oldest messages go
// first and the drop is counted, so the hub can see that history was lost and how much.
import { DatabaseSync } from 'node:sqlite';
import { type Envelope, encodeMessage, MESSAGE_KINDS, type MessageKind } from '@cellfleet/protocol';

export interface OutboxLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

export interface OutboxStats {
  outboxDepth: number;
  outboxBytes: number;
  oldestAgeMs: number;
  droppedForSize: number;
  droppedForAge: number;
}

export interface PendingMessage {
  readonly id: string;
  readonly seq: number;
  readonly kind: MessageKind;
  readonly payload: Uint8Array;
  readonly retained: boolean;
}

export interface Outbox {
  /**
   * Numbers MQTT connections, strictly increasing across restarts; the Will carries it (see
   * messages/state.ts). Seeded from the clock, so a wiped data dir does not restart at 1 and
   * see every birth ignored as stale by the hub.
   */
  nextSession(now: number): number;
  /** Allocates the next sequence number, stores the message durably, and returns it. */
  enqueue<K extends MessageKind>(build: (seq: number) => Envelope<K>, now: number): Envelope<K>;
  pending(limit: number): PendingMessage[];
  ack(ids: readonly string[]): number;
  /** Applies the age bound; returns how many messages were dropped. */
  expire(now: number): number;
  stats(now: number): OutboxStats;
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    created_at INTEGER NOT NULL, bytes INTEGER NOT NULL, payload BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', 0), ('session', 0), ('dropped_size', 0), ('dropped_age', 0);
`;

export function openOutbox(path: string, limits: OutboxLimits): Outbox {
  const db = new DatabaseSync(path);
  // FULL: each enqueue is fsynced before the call returns, so a power cut after a probe
  // cannot lose it. The rate is a few messages a minute, so the cost does not matter.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  db.exec(SCHEMA);

  const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare('UPDATE meta SET value = ? WHERE key = ?');
  const bumpMeta = db.prepare('UPDATE meta SET value = value + ? WHERE key = ?');
  const insert = db.prepare(
    'INSERT INTO outbox (seq, id, kind, created_at, bytes, payload) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const totals = db.prepare(
    'SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b, MIN(created_at) AS oldest FROM outbox',
  );
  const dropOldest = db.prepare('DELETE FROM outbox WHERE seq = (SELECT MIN(seq) FROM outbox)');
  const dropOlderThan = db.prepare('DELETE FROM outbox WHERE created_at < ?');
  const selectPending = db.prepare('SELECT seq, id, kind, payload FROM outbox ORDER BY seq LIMIT ?');
  const meta = (key: string) => Number((getMeta.get(key) as { value: number }).value);

  const transaction = <T>(fn: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };

  const enforceSize = () => {
    let dropped = 0;
    for (;;) {
      const t = totals.get() as { n: number; b: number };
      if (t.n <= limits.maxMessages && t.b <= limits.maxBytes) break;
      dropOldest.run();
      dropped++;
    }
    if (dropped > 0) bumpMeta.run(dropped, 'dropped_size');
  };

  return {
    nextSession: (now) =>
      transaction(() => {
        const next = Math.max(meta('session') + 1, Math.floor(now));
        setMeta.run(next, 'session');
        return next;
      }),
    enqueue(build, now) {
      return transaction(() => {
        const seq = meta('seq') + 1;
        const message = build(seq);
        const payload = encodeMessage(message);
        insert.run(seq, message.id, message.kind, now, payload.byteLength, payload);
        setMeta.run(seq, 'seq');
        enforceSize();
        return message;
      });
    },
    pending(limit) {
      return (
        selectPending.all(limit) as Array<{ seq: number; id: string; kind: MessageKind; payload: Uint8Array }>
      ).map((r) => ({ ...r, retained: MESSAGE_KINDS[r.kind].retained }));
    },
    ack(ids) {
      if (ids.length === 0) return 0;
      return transaction(() => {
        const del = db.prepare(`DELETE FROM outbox WHERE id IN (${ids.map(() => '?').join(',')})`);
        return Number(del.run(...ids).changes);
      });
    },
    expire(now) {
      const dropped = Number(dropOlderThan.run(now - limits.maxAgeMs).changes);
      if (dropped > 0) bumpMeta.run(dropped, 'dropped_age');
      return dropped;
    },
    stats(now) {
      const t = totals.get() as { n: number; b: number; oldest: number | null };
      return {
        outboxDepth: Number(t.n),
        outboxBytes: Number(t.b),
        oldestAgeMs: t.oldest === null ? 0 : Math.max(0, now - Number(t.oldest)),
        droppedForSize: meta('dropped_size'),
        droppedForAge: meta('dropped_age'),
      };
    },
    close: () => db.close(),
  };
}
