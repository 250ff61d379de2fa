// The fleet trend (issue 16) against a real hub on SQLite and on PostgreSQL: after a cell
// faults, the hub's stored counts show it over HTTP, and a restarted hub still has them, as
// it still knows since when the cell has been faulted.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  type BodyOf,
  type CellSummary,
  createEnvelope,
  type Envelope,
  type FleetTrendView,
  type MessageKind,
} from '@cellfleet/protocol';
import { type Postgres, startPostgres } from '@cellfleet/testkit';
import { until } from './support/browser.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const CELL = 'plant1.line-a.press-01';
const msg = <K extends MessageKind>(kind: K, seq: number, body: BodyOf<K>): Envelope =>
  createEnvelope({ kind, id: randomUUID(), cell: CELL, ts: Date.now(), seq, session: 1, body }) as Envelope;

async function faultOneCell(t: TestHub): Promise<number> {
  await t.hub.services.cells.enroll({
    id: CELL,
    site: 'plant1',
    line: 'line-a',
    cell: 'press-01',
    sisterGroup: 'presses',
    secretHash: 'a'.repeat(64),
    enrolledAt: Date.now(),
  });
  const failedAt = Date.now() - 5_000;
  await t.hub.services.cells.ingest(
    [
      msg('birth', 1, {
        state: 'online',
        identity: { site: 'plant1', line: 'line-a', cell: 'press-01', sisterGroup: 'presses' },
        agentVersion: '1.0.0',
        probeIntervalMs: 60_000,
        endpoints: [{ name: 'kepware', url: 'opc.tcp://127.0.0.1:49320' }],
      }),
      msg('probe', 2, {
        endpoint: 'kepware',
        url: 'opc.tcp://127.0.0.1:49320',
        ok: false,
        startedAt: failedAt,
        durationMs: 3,
        steps: [{ name: 'tcp', ok: false, ms: 3 }],
        diagnosis: { code: 'port-closed', severity: 'error', summary: 'closed' },
        findings: [],
      }),
    ],
    Date.now(),
  );
  return failedAt;
}

function trendSurvivesRestart(open: () => Promise<TestHub>) {
  test('the trend shows the fault, and still does after a restart', async () => {
    const t = await open();
    try {
      const failedAt = await faultOneCell(t);
      const before = await until('a stored count with the faulted cell', async () => {
        const v = await t.get<FleetTrendView>('/api/fleet/trend?range=24h');
        return v.points.some((p) => p.faulted === 1 && p.total === 1) ? v : undefined;
      });
      assert.ok(before, 'a trend point was stored before the restart');
      await t.stop();
      await t.restart();
      const afterRestart = await t.get<FleetTrendView>('/api/fleet/trend?range=7d');
      assert.equal(afterRestart.since, before.since, 'the oldest sample is still there');
      assert.ok(afterRestart.points.some((p) => p.faulted === 1 && p.total === 1));
      const [cell] = await t.get<CellSummary[]>('/api/cells');
      assert.equal(cell?.lastProbe?.failingSince, failedAt, 'faulted since: kept across the restart');
      const history = await t.get<{ probes: Array<{ code: string }> }>(
        `/api/cells/${CELL}/history?range=24h`,
      );
      assert.deepEqual(
        history.probes.map((p) => p.code),
        ['port-closed'],
      );
    } finally {
      await t.stop();
    }
  });
}

describe('fleet trend (SQLite)', () => {
  trendSurvivesRestart(() => startTestHub({ history: { sampleIntervalMs: 200, settleMs: 50 } }));
});

describe('fleet trend (PostgreSQL)', () => {
  let pg: Postgres | undefined;
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
  });
  trendSurvivesRestart(async () => {
    if (!pg) throw new Error('PostgreSQL did not start');
    return startTestHub({
      pgUrl: await pg.createDatabase('trend'),
      history: { sampleIntervalMs: 200, settleMs: 50 },
    });
  });
});
