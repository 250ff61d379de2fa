// Group comparison through the hub with the sister tally (issue 16): a fleet stored as ingest
// stores it (each cell's version recorded and counted into its group's tally), then compared
// cold — in a fresh hub process, its first request — and warm (the same process, again), next
// to the pure in-memory comparison of the same entries in this process, interleaved.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type Comparison, canonicalSnapshot, compareSisters, type Snapshot } from '@cellfleet/core';
import {
  createSisterTally,
  createSnapshotService,
  type HubDatabase,
  openHubDatabase,
  openSqlSnapshotStore,
  type SisterDirectory,
} from '@cellfleet/hub';
import type { sisters } from './snapshot-compare.ts';

export const NOW = Date.UTC(2026, 10, 24);
export type Where = { dbPath: string } | { pgUrl: string };

export const cellIds = (cells: number) => Array.from({ length: cells }, (_, c) => `plant.line1.c${c}`);

export const benchSisters = (ids: readonly string[]): SisterDirectory => ({
  cellsInGroup: async () => [...ids],
  groupOf: async () => 'bench',
});

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; out: T }> {
  const t = performance.now();
  const out = await work();
  return { ms: performance.now() - t, out };
}

export const snapshotOf = (entries: Snapshot['entries'], takenAt = NOW): Snapshot => ({
  format: 1,
  endpoint: 'kepware',
  takenAt,
  status: { state: 'complete', nodes: Object.keys(entries).length },
  entries,
});

export const hashOf = (s: Snapshot) => createHash('sha256').update(canonicalSnapshot(s)).digest('hex');

/** A tallied service on an open database: what a hub builds (services.ts). */
export async function tallied(db: HubDatabase, ids: readonly string[]) {
  const store = await openSqlSnapshotStore(db.sql);
  const directory = benchSisters(ids);
  const tally = createSisterTally({ sql: db.sql, store, directory });
  return {
    store,
    tally,
    service: createSnapshotService({ store, now: () => NOW, sisters: directory, tally }),
  };
}

/** Stores the fleet as ingest does: per cell, one transaction recording the version and counting it. */
export async function populate(where: Where, fleet: ReturnType<typeof sisters>): Promise<number> {
  const db = await openHubDatabase(where);
  try {
    const { store, tally } = await tallied(
      db,
      fleet.map((c) => c.cell),
    );
    const t = performance.now();
    for (const c of fleet) {
      const snapshot = snapshotOf(c.entries);
      const hash = hashOf(snapshot);
      await store.atomically(c.cell, 'kepware', async () => {
        await store.addVersion({ cell: c.cell, endpoint: 'kepware', hash, receivedAt: NOW, snapshot });
        await tally.onRecord({ cell: c.cell, endpoint: 'kepware', hash, entries: c.entries });
      });
    }
    return performance.now() - t;
  } finally {
    await db.close();
  }
}

/** What both comparisons must agree on (the pure one has no hashes or times per cell). */
export const essence = (c: Comparison) => ({
  rows: c.rows,
  keysCompared: c.keysCompared,
  keysIdentical: c.keysIdentical,
  keysIgnored: c.keysIgnored,
  certificates: c.certificates,
  outliers: c.cells.map((x) => [x.cell, x.outliers]),
});

export interface HubRun {
  readonly cold: number;
  readonly warm: number;
  readonly essence: ReturnType<typeof essence>;
}

/** A fresh hub process on the database: its first comparison (cold), then the same again (warm). */
export function hubRun(where: Where, cells: number): Promise<HubRun> {
  const child = spawn(process.execPath, [import.meta.filename, JSON.stringify({ where, cells })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`hub run exit ${code}`)),
    ),
  );
}

export function pureRun(fleet: ReturnType<typeof sisters>): {
  ms: number;
  essence: ReturnType<typeof essence>;
} {
  const t = performance.now();
  const c = compareSisters({ group: 'bench', now: NOW, cells: fleet });
  return { ms: performance.now() - t, essence: essence(c) };
}

if (process.argv[1] === import.meta.filename && process.argv[2]) {
  const { where, cells } = JSON.parse(process.argv[2]) as { where: Where; cells: number };
  const db = await openHubDatabase(where);
  const { service } = await tallied(db, cellIds(cells));
  const cold = await timed(() => service.compare('bench'));
  const warm = await timed(() => service.compare('bench'));
  await db.close();
  process.stdout.write(JSON.stringify({ cold: cold.ms, warm: warm.ms, essence: essence(warm.out) }));
}
