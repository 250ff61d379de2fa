// The history store on both databases: trend samples with retention, and one cell's probes
// and liveness over a range, read from what the cell store keeps.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type BodyOf, createEnvelope, type Envelope, type MessageKind } from '@cellfleet/protocol';
import { openCellStore } from '../cells/store.ts';
import { onBothDialects } from '../db/dialects.test-support.ts';
import { openHistoryStore } from './store.ts';

const CELL = 'plant1.lineA.press-01';
const msg = <K extends MessageKind>(kind: K, seq: number, session: number, body: BodyOf<K>): Envelope =>
  createEnvelope({ kind, id: randomUUID(), cell: CELL, ts: 1_000 + seq, seq, session, body }) as Envelope;
const birth = (seq: number, session: number) =>
  msg('birth', seq, session, {
    state: 'online',
    identity: { site: 'plant1', line: 'lineA', cell: 'press-01', sisterGroup: 'presses' },
    agentVersion: '1.0.0',
    probeIntervalMs: 60_000,
    endpoints: [{ name: 'kepware', url: 'opc.tcp://127.0.0.1:49320' }],
  });
const death = (seq: number, session: number) =>
  msg('death', seq, session, { state: 'offline', reason: 'will' });
const probe = (seq: number, startedAt: number, code = 'ok') =>
  msg('probe', seq, 1, {
    endpoint: 'kepware',
    url: 'opc.tcp://127.0.0.1:49320',
    ok: code === 'ok',
    startedAt,
    durationMs: 30,
    steps: [
      { name: 'tcp', ok: true, ms: 2, detail: 'connected' },
      { name: 'session', ok: code === 'ok', ms: 28 },
    ],
    diagnosis: { code, severity: code === 'ok' ? 'ok' : 'error', summary: code },
    findings: [],
  });

onBothDialects('history store', (open) => {
  test('samples are kept for the retention and read back oldest first', async () => {
    const sql = await open();
    try {
      const h = await openHistoryStore(sql, 1_000);
      assert.equal(await h.oldest(), null);
      await h.record({ at: 500, total: 3, faulted: 1, offline: 0 });
      await h.record({ at: 100, total: 3, faulted: 0, offline: 1 });
      await h.record({ at: 500, total: 3, faulted: 2, offline: 2 }); // same instant: the first stays
      assert.deepEqual(
        (await h.samples(0, 1_000)).map((s) => [s.at, s.faulted, s.offline]),
        [
          [100, 0, 1],
          [500, 1, 0],
        ],
      );
      assert.deepEqual(await h.samples(200, 400), []);
      await h.record({ at: 1_200, total: 3, faulted: 0, offline: 0 });
      assert.equal(await h.oldest(), 500, 'the sample older than 1 s before the newest is gone');
    } finally {
      await sql.close();
    }
  });

  test("a cell's history: probes in the range with their step times, liveness by the session rule", async () => {
    const sql = await open();
    try {
      const cells = await openCellStore(sql);
      await cells.enroll({
        id: CELL,
        site: 'plant1',
        line: 'lineA',
        cell: 'press-01',
        sisterGroup: 'presses',
        secretHash: 'a'.repeat(64),
        enrolledAt: 0,
      });
      await cells.ingest([birth(1, 1), probe(2, 10_000)], 10_000);
      await cells.ingest([probe(3, 20_000, 'port-closed')], 20_000);
      await cells.ingest([death(4, 1)], 30_000);
      await cells.ingest([death(5, 0)], 35_000); // a late Will of an older connection
      await cells.ingest([birth(6, 2)], 40_000);
      const h = await openHistoryStore(sql);
      const all = await h.cellHistory(CELL, 0, 50_000);
      assert.deepEqual(
        all.probes.map((p) => [p.at, p.ok, p.code, p.steps.map((s) => `${s.name}:${s.ms}`).join(' ')]),
        [
          [10_000, true, 'ok', 'tcp:2 session:28'],
          [20_000, false, 'port-closed', 'tcp:2 session:28'],
        ],
      );
      assert.deepEqual(all.liveness, [
        { at: 10_000, online: true },
        { at: 30_000, online: false },
        { at: 40_000, online: true },
      ]);
      assert.equal(all.truncated, false);
      const later = await h.cellHistory(CELL, 15_000, 50_000);
      assert.deepEqual(
        later.probes.map((p) => p.at),
        [20_000],
      );
    } finally {
      await sql.close();
    }
  });
});
