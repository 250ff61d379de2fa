import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createEnvelope } from '@cellfleet/protocol';
import { createMemoryOutbox } from './memory.ts';
import { type OutboxLimits, openOutbox } from './outbox.ts';

const dir = mkdtempSync(join(tmpdir(), 'outbox-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const limits = { maxMessages: 1000, maxBytes: 10 * 1024 * 1024, maxAgeMs: 60_000 };
let n = 0;
const health = (seq: number) =>
  createEnvelope({
    kind: 'health',
    id: `msg-test-${String(++n).padStart(6, '0')}`,
    cell: 'p.l.c',
    ts: 1000,
    seq,
    session: 1,
    body: { outboxDepth: 0, outboxBytes: 0, oldestAgeMs: 0, droppedForSize: 0, droppedForAge: 0 },
  });

describe('durable outbox', () => {
  test('messages survive close/reopen in order; seq and session keep counting', () => {
    const path = join(dir, 'a.db');
    const box = openOutbox(path, limits);
    assert.equal(box.nextSession(5), 5);
    assert.equal(box.nextSession(3), 6, 'never goes back, even if the clock does');
    const ids = [0, 1, 2].map(() => box.enqueue(health, 1000).id);
    box.close();
    const again = openOutbox(path, limits);
    assert.equal(again.nextSession(0), 7);
    assert.deepEqual(
      again.pending(10).map((m) => m.id),
      ids,
    );
    assert.deepEqual(
      again.pending(10).map((m) => m.seq),
      [1, 2, 3],
    );
    assert.equal(again.enqueue(health, 1000).seq, 4);
    again.close();
  });
});

// The same contract on the durable outbox and the in-memory one (the fleet simulator's).
for (const [name, open] of [
  ['durable', (file: string, l: OutboxLimits) => openOutbox(join(dir, `contract-${file}.db`), l)],
  ['in memory', (_file: string, l: OutboxLimits) => createMemoryOutbox(l)],
] as const) {
  describe(`outbox contract: ${name}`, () => {
    test('only an ack by id removes a message', () => {
      const box = open('b', limits);
      const [a, b, c] = [box.enqueue(health, 0), box.enqueue(health, 0), box.enqueue(health, 0)];
      assert.equal(box.ack([b.id, 'msg-unknown-1']), 1);
      assert.deepEqual(
        box.pending(10).map((m) => m.id),
        [a.id, c.id],
      );
      assert.equal(box.stats(0).outboxDepth, 2);
      box.close();
    });

    test('the count bound drops the oldest and counts the drop', () => {
      const box = open('c', { ...limits, maxMessages: 3 });
      const ids = Array.from({ length: 5 }, () => box.enqueue(health, 0).id);
      assert.deepEqual(
        box.pending(10).map((m) => m.id),
        ids.slice(2),
      );
      assert.equal(box.stats(0).droppedForSize, 2);
      box.close();
    });

    test('the age bound expires old messages and reports the oldest age', () => {
      const box = open('d', limits);
      box.enqueue(health, 1_000);
      box.enqueue(health, 50_000);
      assert.equal(box.stats(60_000).oldestAgeMs, 59_000);
      assert.equal(box.expire(61_001), 1);
      const s = box.stats(61_001);
      assert.equal(s.outboxDepth, 1);
      assert.equal(s.droppedForAge, 1);
      box.close();
    });

    test('retained kinds are flagged for the link', () => {
      const box = open('e', limits);
      box.enqueue(
        (seq) =>
          createEnvelope({
            kind: 'birth',
            id: 'msg-birth-0001',
            cell: 'p.l.c',
            ts: 0,
            seq,
            session: 1,
            body: {
              state: 'online',
              identity: { site: 'p', line: 'l', cell: 'c', sisterGroup: 'g' },
              agentVersion: '0.1.0',
              probeIntervalMs: 1000,
              endpoints: [],
            },
          }),
        0,
      );
      box.enqueue(health, 0);
      assert.deepEqual(
        box.pending(10).map((m) => m.retained),
        [true, false],
      );
      box.close();
    });
  });
}
