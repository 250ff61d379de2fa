// What keeping the sister tally costs ingest (issue 16): snapshot-delta messages through
// SnapshotService.ingest, into two identical databases of one engine, one hub with the tally and
// one without; the same deltas in the same order to both, in rounds that alternate which goes
// first. Each delta changes a few values of one cell, as a running cell's deltas do.
import { makeDelta, type Snapshot } from '@cellfleet/core';
import { createSnapshotService, openHubDatabase, openSqlSnapshotStore } from '@cellfleet/hub';
import { createEnvelope, type Envelope } from '@cellfleet/protocol';
import { fmt } from './report.ts';
import { sisters } from './snapshot-compare.ts';
import {
  benchSisters,
  hashOf,
  median,
  NOW,
  populate,
  snapshotOf,
  tallied,
  type Where,
} from './tally-compare.ts';

const CELLS = 200;
const KEYS = 2000;
const PER_ROUND = 200;
const ROUNDS = 5;
const CHANGED = 5;

type Engine = 'SQLite' | 'PostgreSQL';

async function plainService(where: Where, ids: readonly string[]) {
  const db = await openHubDatabase(where);
  const store = await openSqlSnapshotStore(db.sql);
  return { db, service: createSnapshotService({ store, now: () => NOW, sisters: benchSisters(ids) }) };
}

async function engineRow(
  engine: Engine,
  open: (name: string) => Promise<Where>,
  scale: number,
): Promise<string> {
  const fleet = sisters({ cells: CELLS / scale, keys: KEYS, parsed: false });
  const ids = fleet.map((c) => c.cell);
  const [whereWith, whereWithout] = [await open('with'), await open('without')];
  await populate(whereWith, fleet);
  await populate(whereWithout, fleet);
  const dbWith = await openHubDatabase(whereWith);
  const withTally = (await tallied(dbWith, ids)).service;
  const without = await plainService(whereWithout, ids);
  const current = new Map<string, Snapshot>(fleet.map((c) => [c.cell, snapshotOf(c.entries)]));
  let n = 0;
  let t = NOW;
  const nextDelta = (): Envelope => {
    const cell = ids[n % ids.length]!;
    const from = current.get(cell)!;
    const entries = { ...from.entries };
    const keys = Object.keys(entries).filter((k) => k.startsWith('/'));
    for (let i = 0; i < CHANGED; i++) {
      const k = keys[(n * 7 + i * 131) % keys.length]!;
      entries[k] = { ...(entries[k] as object), value: n * 10 + i };
    }
    const to = snapshotOf(entries, ++t);
    current.set(cell, to);
    n++;
    const body = {
      endpoint: 'kepware',
      hash: hashOf(to),
      baseHash: hashOf(from),
      takenAt: to.takenAt,
      status: { state: to.status.state, nodes: to.status.nodes },
      ops: makeDelta(from, to).ops,
    };
    return createEnvelope({ kind: 'snapshot-delta', id: `d-${n}`, cell, ts: 1, body });
  };
  const rates = { with: [] as number[], without: [] as number[] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const batch = Array.from({ length: PER_ROUND }, nextDelta);
      const order = r % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const which of order) {
        const service = which === 'with' ? withTally : without.service;
        const started = performance.now();
        for (const m of batch) {
          const res = await service.ingest(m);
          if (res.replies.length > 0)
            throw new Error(`delta refused: ${JSON.stringify(res.replies[0]!.body)}`);
        }
        rates[which].push((batch.length / (performance.now() - started)) * 1000);
      }
    }
  } finally {
    await dbWith.close();
    await without.db.close();
  }
  process.stderr.write(
    `tally ingest ${engine}: with ${rates.with.map(Math.round)} without ${rates.without.map(Math.round)} deltas/s\n`,
  );
  const [w, wo] = [median(rates.with), median(rates.without)];
  return `| ${engine} | ${fmt(CELLS / scale)} × ${fmt(KEYS)} | ${fmt(wo)} | ${fmt(w)} | ${((1 - w / wo) * 100).toFixed(0)} % |`;
}

export async function ingestBench(engines: [Engine, (name: string) => Promise<Where>][], scale: number) {
  const rows: string[] = [];
  for (const [engine, open] of engines) rows.push(await engineRow(engine, open, scale));
  return [
    `${ROUNDS} rounds of ${PER_ROUND} snapshot-delta messages (${CHANGED} values of one cell changed each), the same to a hub database with the tally and to one without, alternating which goes first; medians of the rounds. Each delta: base read, applied, hashed, stored, diffed, drift recorded, and with the tally, the changed keys counted.`,
    '',
    '| engine | group | baseline: deltas/s without the tally | with the tally | cost |',
    '|---|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
