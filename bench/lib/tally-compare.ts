// Group comparison through the hub with the sister tally (issue 16): a fleet enrolled and stored
// as ingest stores it (each cell's version recorded and counted into its group's tally), then
// compared through the hub's HTTP API cold — a freshly started hub process's first request, sent
// as soon as it listens, before its comparison preload — and warm (the same request again), next
// to the pure in-memory comparison of the same entries in this process, interleaved.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type Comparison, canonicalSnapshot, compareSisters, type Snapshot } from '@cellfleet/core';
import {
  createSisterTally,
  createSnapshotService,
  enrollCell,
  type HubDatabase,
  openCellStore,
  openHubDatabase,
  openSqlSnapshotStore,
  type SisterDirectory,
  startHub,
} from '@cellfleet/hub';
import pino from 'pino';
import type { sisters } from './snapshot-compare.ts';

export const NOW = Date.UTC(2026, 10, 24);
export type Where = { dbPath: string } | { pgUrl: string };

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

/**
 * Enrolls the fleet's cells in group `bench` (as `cellfleet-hub enroll` does), then stores the
 * fleet as ingest does: per cell, one transaction recording the version and counting it. The
 * time returned is the storing and counting only.
 */
export async function populate(where: Where, fleet: ReturnType<typeof sisters>): Promise<number> {
  const db = await openHubDatabase(where);
  try {
    const cells = await openCellStore(db.sql);
    for (const c of fleet) {
      const [site, line, cell] = c.cell.split('.') as [string, string, string];
      await enrollCell(
        cells,
        { site, line, cell, sisterGroup: 'bench', endpoints: [] },
        { url: 'mqtt://127.0.0.1:1883', now: NOW },
      );
    }
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

/**
 * A fresh hub process on the database (`startHub`, as `cellfleet-hub serve` runs it): its first
 * comparison over HTTP as soon as it listens (cold), then the same request again (warm). The
 * hub's preload starts 5 s after start; the run fails if the cold request was sent later.
 */
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
  const c = compareSisters({ group: 'bench', now: Date.now(), cells: fleet });
  return { ms: performance.now() - t, essence: essence(c) };
}

if (process.argv[1] === import.meta.filename && process.argv[2]) {
  const { where } = JSON.parse(process.argv[2]) as { where: Where; cells: number };
  const hub = await startHub(
    {
      database: 'dbPath' in where ? { sqlite: where.dbPath } : { postgres: where.pgUrl },
      broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
    },
    { logger: pino({ level: 'silent' }) },
  );
  const listening = performance.now();
  const { token } = await hub.services.auth.addUser('bench', `bench-${process.pid}`, 'viewer');
  const sentAfter = performance.now() - listening;
  if (sentAfter >= 4000)
    throw new Error(
      `cold request sent ${Math.round(sentAfter)} ms after the hub listened: its preload may have run`,
    );
  const request = async () => {
    const res = await fetch(`${hub.httpUrl}/api/groups/bench/comparison`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`comparison: ${res.status} ${body.slice(0, 200)}`);
    return JSON.parse(body) as Comparison;
  };
  const cold = await timed(request);
  const warm = await timed(request);
  await hub.stop();
  process.stdout.write(JSON.stringify({ cold: cold.ms, warm: warm.ms, essence: essence(warm.out) }));
}
