// The cell store on both databases: the same cases run unchanged on SQLite and PostgreSQL,
// each on a fresh, empty database.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type BodyOf, createEnvelope, type Envelope, type MessageKind } from '@cellfleet/protocol';
import { onBothDialects } from '../db/dialects.test-support.ts';
import { type CellStore, type Enrollment, openCellStore } from './store.ts';

const enrollment = (cell: string, extra: Partial<Enrollment> = {}): Enrollment => ({
  id: `plant1.lineA.${cell}`,
  site: 'plant1',
  line: 'lineA',
  cell,
  sisterGroup: 'presses',
  secretHash: 'a'.repeat(64),
  brokerHash: '$7$101$salt$hash',
  enrolledAt: 1_000,
  ...extra,
});

function msg<K extends MessageKind>(
  kind: K,
  cell: string,
  f: { seq: number; session?: number; ts?: number; body: BodyOf<K> },
): Envelope {
  return createEnvelope({
    kind,
    id: randomUUID(),
    cell,
    ts: f.ts ?? 10_000 + f.seq,
    seq: f.seq,
    session: f.session ?? 1,
    body: f.body,
  }) as Envelope;
}

const birth = (cell: string, seq: number, session: number, ts = 5_000) =>
  msg('birth', cell, {
    seq,
    session,
    ts,
    body: {
      state: 'online',
      identity: { site: 'plant1', line: 'lineA', cell: cell.split('.')[2]!, sisterGroup: 'presses' },
      agentVersion: `1.${session}.0`,
      probeIntervalMs: 60_000,
      endpoints: [{ name: 'kepware', url: 'opc.tcp://127.0.0.1:49320' }],
    },
  });
const death = (cell: string, seq: number, session: number) =>
  msg('death', cell, { seq, session, body: { state: 'offline', reason: 'will' } });
const probe = (cell: string, seq: number, startedAt: number, version = '6.16.1') =>
  msg('probe', cell, {
    seq,
    body: {
      endpoint: 'kepware',
      url: 'opc.tcp://127.0.0.1:49320',
      ok: true,
      startedAt,
      durationMs: 12.5,
      steps: [{ name: 'tcp', ok: true, ms: 1 }],
      diagnosis: { code: 'ok', severity: 'ok', summary: 'session established' },
      findings: [],
      server: {
        buildInfo: {
          productName: 'KEPServerEX',
          manufacturerName: 'PTC',
          softwareVersion: version,
          buildNumber: '1',
        },
      },
    },
  });
const health = (cell: string, seq: number, depth: number) =>
  msg('health', cell, {
    seq,
    body: { outboxDepth: depth, outboxBytes: 0, oldestAgeMs: 0, droppedForSize: 0, droppedForAge: 0 },
  });

onBothDialects('cell store', (open) => {
  const withStore = (title: string, fn: (s: CellStore) => Promise<void>) =>
    test(title, async () => {
      const sql = await open();
      try {
        await fn(await openCellStore(sql));
      } finally {
        await sql.close();
      }
    });

  withStore("a sister group's cells are the ones enrolled in it, sorted", async (s) => {
    for (const [cell, sisterGroup] of [
      ['press-10', 'presses'],
      ['weld-01', 'welders'],
      ['press-02', 'presses'],
    ] as const)
      await s.enroll(enrollment(cell, { sisterGroup }));
    assert.deepEqual(await s.cellsInGroup('presses'), ['plant1.lineA.press-02', 'plant1.lineA.press-10']);
    assert.deepEqual(await s.cellsInGroup('welders'), ['plant1.lineA.weld-01']);
    assert.deepEqual(await s.cellsInGroup('packers'), []);
    // Moved to another group by re-enrolling: it leaves the first.
    await s.enroll(enrollment('press-10', { sisterGroup: 'welders' }));
    assert.deepEqual(await s.cellsInGroup('presses'), ['plant1.lineA.press-02']);
  });

  withStore('listCells(ids) reads only the named cells that are enrolled, in place order', async (s) => {
    for (const cell of ['press-10', 'weld-01', 'press-02']) await s.enroll(enrollment(cell));
    const ids = (cells: { id: string }[]) => cells.map((c) => c.id);
    assert.deepEqual(ids(await s.listCells(['plant1.lineA.weld-01', 'plant1.lineA.press-02', 'nope'])), [
      'plant1.lineA.press-02',
      'plant1.lineA.weld-01',
    ]);
    assert.deepEqual(await s.listCells([]), []);
    assert.equal((await s.listCells()).length, 3);
  });

  withStore('enrollments round-trip, and re-enrolling replaces the secret', async (s) => {
    const e = enrollment('press-01');
    await s.enroll(e);
    assert.deepEqual(await s.getEnrollment(e.id), e);
    await s.enroll({ ...e, secretHash: 'b'.repeat(64), enrolledAt: 2_000 });
    assert.equal((await s.getEnrollment(e.id))?.secretHash, 'b'.repeat(64));
    const { brokerHash: _, ...old } = enrollment('press-00');
    await s.enroll(old);
    assert.deepEqual(await s.getEnrollment(old.id), old, 'no brokerHash stays absent');
    assert.deepEqual(
      (await s.listEnrollments()).map((x) => x.id),
      ['plant1.lineA.press-00', 'plant1.lineA.press-01'],
    );
    assert.equal(await s.getEnrollment('plant1.lineA.nope'), undefined);
  });

  withStore('a new cell is listed offline and never seen', async (s) => {
    await s.enroll(enrollment('press-01'));
    const [c] = await s.listCells();
    assert.equal(c?.online, false);
    assert.equal(c?.since, null);
    assert.equal(c?.lastSeen, null);
    assert.equal(c?.lastProbe, null);
    const d = await s.getCell('plant1.lineA.press-01');
    assert.deepEqual(d?.probes, []);
    assert.deepEqual(d?.endpoints, []);
    assert.equal(await s.getCell('plant1.lineA.nope'), undefined);
  });

  withStore('ingest is idempotent by message id, within and across batches', async (s) => {
    const id = 'plant1.lineA.press-01';
    await s.enroll(enrollment('press-01'));
    const b = birth(id, 1, 1);
    const h = health(id, 2, 3);
    const first = await s.ingest([b, h, b], 20_000);
    assert.deepEqual(
      first.fresh.map((m) => m.id),
      [b.id, h.id],
    );
    const again = await s.ingest([h, b], 21_000);
    assert.deepEqual(again.fresh, []);
    assert.deepEqual(await s.countMessages(id), { birth: 1, health: 1 });
    assert.deepEqual(
      (await s.messageLog(id)).map((m) => m.seq),
      [1, 2],
    );
  });

  withStore('birth and death follow the session counter; a stale Will changes nothing', async (s) => {
    const id = 'plant1.lineA.press-01';
    await s.enroll(enrollment('press-01'));
    await s.ingest([birth(id, 1, 2, 5_000)], 6_000);
    let c = await s.getCell(id);
    assert.equal(c?.online, true);
    assert.equal(c?.session, 2);
    assert.equal(c?.since, 5_000, 'a birth counts from its own timestamp');
    assert.equal(c?.agentVersion, '1.2.0');
    assert.deepEqual(c?.endpoints, [{ name: 'kepware', url: 'opc.tcp://127.0.0.1:49320' }]);
    assert.equal(c?.lastSeen, 6_000);
    await s.ingest([death(id, 2, 1)], 7_000);
    assert.equal((await s.getCell(id))?.online, true, 'a Will from session 1 cannot kill session 2');
    await s.ingest([death(id, 3, 2)], 8_000);
    c = await s.getCell(id);
    assert.equal(c?.online, false);
    assert.equal(c?.since, 8_000, "a death counts from the hub's clock");
    assert.equal(c?.lastSeen, 6_000, 'a death is not a sign of life');
    await s.ingest([birth(id, 4, 2, 9_000)], 9_000);
    assert.equal((await s.getCell(id))?.online, false, 'a late birth of a dead session stays dead');
    // Births and deaths of one batch apply in order.
    await s.ingest([birth(id, 5, 3, 10_000), death(id, 6, 3), birth(id, 7, 4, 11_000)], 12_000);
    c = await s.getCell(id);
    assert.equal(c?.online, true);
    assert.equal(c?.session, 4);
    assert.equal(c?.since, 11_000);
  });

  withStore('probes: last probe, BuildInfo, history newest first with a limit', async (s) => {
    const id = 'plant1.lineA.press-01';
    await s.enroll(enrollment('press-01'));
    await s.ingest([probe(id, 1, 100, '6.14.263'), probe(id, 2, 200)], 1_000);
    await s.ingest([probe(id, 3, 300)], 2_000);
    const c = await s.getCell(id, 2);
    assert.equal(c?.lastProbe?.at, 300);
    assert.equal(c?.lastProbe?.diagnosis.code, 'ok');
    assert.equal(c?.buildInfo?.softwareVersion, '6.16.1');
    assert.deepEqual(
      c?.probes.map((p) => p.at),
      [300, 200],
    );
    assert.equal(c?.lastSeen, 2_000);
    assert.deepEqual(await s.countMessages(), { probe: 3 });
  });

  withStore('health is kept; counts by kind per cell and in total', async (s) => {
    const a = 'plant1.lineA.press-01';
    const b = 'plant1.lineA.press-02';
    await s.enroll(enrollment('press-01'));
    await s.enroll(enrollment('press-02'));
    await s.ingest([health(a, 1, 4), health(b, 1, 0), birth(b, 2, 1)], 1_000);
    assert.equal((await s.getCell(a))?.health?.outboxDepth, 4);
    assert.deepEqual(await s.countMessages(a), { health: 1 });
    assert.deepEqual(await s.countMessages(), { health: 2, birth: 1 });
    assert.deepEqual(
      (await s.listCells()).map((c) => [c.id, c.online]),
      [
        [a, false],
        [b, true],
      ],
    );
  });

  withStore('snapshot and action messages are recorded for de-duplication only', async (s) => {
    const id = 'plant1.lineA.press-01';
    await s.enroll(enrollment('press-01'));
    const snap = msg('snapshot-hash', id, {
      seq: 1,
      body: { endpoint: 'kepware', hash: 'f'.repeat(64), takenAt: 1 },
    });
    assert.equal((await s.ingest([snap], 1_000)).fresh.length, 1);
    assert.equal((await s.ingest([snap], 1_001)).fresh.length, 0);
    assert.deepEqual(await s.countMessages(id), { 'snapshot-hash': 1 });
  });

  withStore('a batch that fails stores nothing (one transaction)', async (s) => {
    const id = 'plant1.lineA.press-01';
    await s.enroll(enrollment('press-01'));
    const ok = health(id, 1, 0);
    const orphan = health('plant1.lineA.not-enrolled', 1, 0);
    await assert.rejects(s.ingest([ok, orphan], 1_000));
    assert.deepEqual(await s.countMessages(), {});
    assert.equal((await s.ingest([ok], 1_001)).fresh.length, 1, 'the good message is stored on resend');
  });

  withStore('concurrent ingest of overlapping batches stores each message once', async (s) => {
    const cells = ['press-01', 'press-02', 'press-03'];
    for (const c of cells) await s.enroll(enrollment(c));
    const all = cells.flatMap((c) =>
      Array.from({ length: 40 }, (_, i) => health(`plant1.lineA.${c}`, i + 1, i)),
    );
    // Two "replicas" with the same messages in different orders, plus a third with half.
    const results = await Promise.all([
      s.ingest(all, 1_000),
      s.ingest([...all].reverse(), 1_000),
      s.ingest(
        all.filter((_, i) => i % 2 === 0),
        1_000,
      ),
    ]);
    const stored = results.flatMap((r) => r.fresh.map((m) => m.id));
    assert.equal(stored.length, all.length, 'every message is fresh in exactly one batch');
    assert.equal(new Set(stored).size, all.length);
    for (const c of cells) {
      const log = await s.messageLog(`plant1.lineA.${c}`);
      assert.deepEqual(
        log.map((m) => m.seq),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    }
  });
});
