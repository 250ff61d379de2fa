// The sister tally kept on ingest must equal the full recomputation, on SQLite and PostgreSQL,
// after random sequences of full snapshots, deltas, returns to known content (hash only),
// resent hashes, cells moving between groups and cells deleted; and the comparison read from it
// must equal the comparison of the snapshots themselves (the path without a tally).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Json, makeDelta, type Snapshot, type SnapshotEntries } from '@cellfleet/core';
import { createEnvelope, type Envelope } from '@cellfleet/protocol';
import { onBothDialects } from '../db/dialects.test-support.ts';
import { chunks, hashOf } from './messages.test-support.ts';
import { createSnapshotService, type SisterDirectory } from './service.ts';
import { openSqlSnapshotStore } from './sql-store.ts';
import { createSisterTally } from './tally.ts';

/** mulberry32, seeded: a failing sequence can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

const KEYS = [
  'server.softwareVersion',
  'limits.maxNodesPerRead',
  'certificate.notAfter',
  '/Objects/A',
  '/Objects/B',
  '/Objects/C',
];
const VALUES: Json[] = ['6.16', '6.14', 5, 7, true, null, [1, 2], { $redacted: true, fp: 'ab' }];
const NOTAFTER = ['2027-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'];
const GROUPS = ['g1', 'g2'];
const CELLS = ['c1', 'c2', 'c3', 'c4', 'c5'];

function entry(r: Rng, key: string): Json {
  if (key === 'certificate.notAfter') return r.pick(NOTAFTER);
  if (!key.startsWith('/')) return r.pick(VALUES);
  return { class: 'Variable', dataType: r.pick(['Double', 'Int32']), access: 'RW', value: r.pick(VALUES) };
}

/** Sisters mostly agree: each key keeps the previous value unless it drifts, or goes. */
function mutate(r: Rng, from: SnapshotEntries, drift: number): SnapshotEntries {
  const out: SnapshotEntries = {};
  for (const k of KEYS) {
    if (r.chance(0.08)) continue;
    out[k] = k in from && !r.chance(drift) ? from[k]! : entry(r, k);
  }
  return out;
}

const snapshot = (entries: SnapshotEntries, takenAt: number): Snapshot => ({
  format: 1,
  endpoint: 'kepware',
  takenAt,
  status: { state: 'complete', nodes: 0 },
  entries,
});

function directory() {
  const groupOf = new Map<string, string>();
  const sisters: SisterDirectory = {
    cellsInGroup: async (g) => [...groupOf].filter(([, x]) => x === g).map(([c]) => c),
    groupOf: async (c) => groupOf.get(c),
  };
  return { groupOf, sisters };
}

onBothDialects('sister tally', (open) => {
  test('incremental tally = full recomputation, and its comparison = the snapshots', async () => {
    const sql = await open();
    try {
      const store = await openSqlSnapshotStore(sql);
      const dir = directory();
      const tally = createSisterTally({ sql, store, directory: dir.sisters });
      let clock = Date.UTC(2026, 11, 1);
      const now = () => ++clock;
      let n = 0;
      const id = () => `m-${++n}`;
      const withTally = createSnapshotService({ store, sisters: dir.sisters, tally, now });
      const plain = createSnapshotService({ store, sisters: dir.sisters, now });
      for (let seed = 1; seed <= 10; seed++) {
        const r = prng(seed);
        const current = new Map<string, Snapshot>();
        const history = new Map<string, Snapshot[]>();
        const send = async (m: Envelope) => {
          const res = await withTally.ingest(m);
          assert.equal(res.replies.length, 0, `seed ${seed}: ${JSON.stringify(res.replies[0]?.body)}`);
        };
        for (let step = 0; step < 40; step++) {
          const cell = r.pick(CELLS);
          const had = current.get(cell);
          const op = had
            ? r.pick(['full', 'delta', 'delta', 'delta', 'back', 'same', 'move', 'delete'])
            : 'full';
          if (op === 'move' || op === 'delete' || !dir.groupOf.has(cell)) {
            if (op === 'delete') dir.groupOf.delete(cell);
            else dir.groupOf.set(cell, r.pick(GROUPS));
            if (op === 'move' || op === 'delete') continue;
          }
          const next = snapshot(mutate(r, had?.entries ?? mutate(r, {}, 1), 0.2), now());
          if (op === 'full') for (const m of chunks(cell, next, 2, id)) await send(m);
          else if (op === 'delta' && had) {
            const ops = makeDelta(had, next).ops;
            const body = {
              endpoint: 'kepware',
              hash: hashOf(next),
              baseHash: hashOf(had),
              takenAt: next.takenAt,
              status: { state: 'complete' as const, nodes: 0 },
              ops,
            };
            await send(createEnvelope({ kind: 'snapshot-delta', id: id(), cell, ts: 1, body }));
          } else {
            const back = op === 'back' ? r.pick(history.get(cell) ?? [had!]) : had!;
            const body = { endpoint: 'kepware', hash: hashOf(back), takenAt: now() };
            await send(createEnvelope({ kind: 'snapshot-hash', id: id(), cell, ts: 1, body }));
            current.set(cell, back);
            continue;
          }
          current.set(cell, next);
          history.set(cell, [...(history.get(cell) ?? []), next]);
        }
        for (const group of GROUPS) {
          const cells = await dir.sisters.cellsInGroup(group);
          const versions = await store.latestOf(cells, 'kepware');
          const fromTally = { ...(await withTally.compare(group, { endpoint: 'kepware' })), generatedAt: 0 };
          const fromSnapshots = { ...(await plain.compare(group, { endpoint: 'kepware' })), generatedAt: 0 };
          assert.deepStrictEqual(fromTally, fromSnapshots, `seed ${seed} ${group}`);
          // The comparison brought members moved or deleted behind the tally's back in line (the
          // others it left as ingest made them): now the stored tally is the full recomputation.
          assert.deepEqual(
            await tally.verify({ group, endpoint: 'kepware' }, versions, false),
            [],
            `seed ${seed} ${group}`,
          );
          // And it stays small: no key counts more cells against a deviant value than hold its base.
          const stored = await tally.stored({ group, endpoint: 'kepware' });
          for (const [key, k] of stored.keys) {
            const held = new Map<string | null, number>();
            for (const v of k.rows.values()) held.set(v, (held.get(v) ?? 0) + 1);
            const base = stored.members.size - k.rows.size;
            for (const [v, count] of held)
              assert.ok(count <= base, `seed ${seed} ${group} ${key}: ${v} ${count} > ${base}`);
          }
        }
      }
    } finally {
      await sql.close();
    }
  });
});
