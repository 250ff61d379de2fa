// Snapshot bodies: gzip(canonical content) stored once per hash, read through the parsed
// cache, and removed when no version or golden pin uses them any more.
//
// Replicas share bodies across cells (sisters with the same content), so recording a version of
// one cell and pruning another cell's last use of the same hash could cross: the prune sees no
// version yet and deletes the body the new version needs. Both therefore hold the body's lock
// (`bodyLock`) for their transaction. Each transaction holds at most one body lock, taken after
// any cell lock, so two replicas never wait on each other in a circle.
import { gunzipSync } from 'node:zlib';
import { type Snapshot, type SnapshotContent, snapshotFromContent } from '@cellfleet/core';
import { marks, type Sql } from '../db/sql.ts';
import type { ParsedSnapshotCache } from './parsed-cache.ts';
import type { StoredVersion } from './store.ts';

/** Hashes per `IN (…)` query: far below both engines' parameter limits. */
const BATCH = 500;
/**
 * Parsing a 5,000-key body takes ~7–20 ms of uninterrupted CPU; a cold load of 1,000 of them
 * in one go kept the event loop busy for ~20 s, so broker acks and keepalives waited that long.
 * The loader hands the loop back whenever it has parsed for this long.
 */
const SLICE_MS = 20;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Bodies being read and parsed now, per cache: a second caller waits for them instead. */
const loading = new WeakMap<ParsedSnapshotCache, Map<string, Promise<SnapshotContent | undefined>>>();

export const bodyLock = (sql: Sql, hash: string) => sql.lock(`snapshot-body:${hash}`);

export function batches<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function parse(body: Uint8Array): SnapshotContent | undefined {
  const s = snapshotFromContent(JSON.parse(gunzipSync(body).toString('utf8')), { endpoint: '', takenAt: 0 });
  return s && { format: 1, status: s.status, entries: s.entries };
}

/**
 * The snapshots of `versions`, in order: cached contents, then bodies another call is loading,
 * the rest read `BATCH` hashes a query and parsed in slices that let the event loop run.
 */
export async function loadBodies(
  sql: Sql,
  cache: ParsedSnapshotCache,
  versions: readonly StoredVersion[],
): Promise<(Snapshot | undefined)[]> {
  let inFlight = loading.get(cache);
  if (!inFlight) {
    inFlight = new Map();
    loading.set(cache, inFlight);
  }
  const found = new Map<string, SnapshotContent | undefined>();
  const waits = new Map<string, Promise<SnapshotContent | undefined>>();
  const missing = new Set<string>();
  for (const { hash } of versions) {
    const c = cache.get(hash);
    const pending = inFlight.get(hash);
    if (c) found.set(hash, c);
    else if (pending) waits.set(hash, pending);
    else missing.add(hash);
  }
  // Claim what this call reads, so concurrent calls wait for it rather than read it again.
  const settle = new Map<
    string,
    { resolve: (c: SnapshotContent | undefined) => void; reject: (e: unknown) => void }
  >();
  for (const hash of missing) {
    const p = new Promise<SnapshotContent | undefined>((resolve, reject) =>
      settle.set(hash, { resolve, reject }),
    );
    p.catch(() => {}); // a failure reaches whoever waits on it; nobody waiting is fine too
    inFlight.set(hash, p);
  }
  let failure: { error: unknown } | undefined;
  try {
    let sliceStart = performance.now();
    for (const hashes of batches([...missing])) {
      const rows = await sql.all<{ hash: string; body: Uint8Array }>(
        `SELECT hash, body FROM snapshot_bodies WHERE hash IN (${marks(hashes.length)})`,
        hashes,
      );
      for (const r of rows) {
        const content = parse(r.body);
        if (content) cache.set(r.hash, content);
        found.set(r.hash, content);
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldToLoop();
          sliceStart = performance.now();
        }
      }
    }
  } catch (error) {
    failure = { error };
    throw error;
  } finally {
    for (const [hash, { resolve, reject }] of settle) {
      if (failure) reject(failure.error);
      else resolve(found.get(hash));
      inFlight.delete(hash);
    }
  }
  for (const [hash, p] of waits) found.set(hash, await p);
  return versions.map((v) => {
    const c = found.get(v.hash);
    return c && { ...c, endpoint: v.endpoint, takenAt: v.takenAt };
  });
}

/** Deletes the body of `hash` unless a version or a golden pin still uses it. */
export const collectBody = (sql: Sql, hash: string): Promise<number> =>
  sql.tx(async () => {
    await bodyLock(sql, hash);
    return sql.run(
      `DELETE FROM snapshot_bodies WHERE hash = ?
         AND NOT EXISTS (SELECT 1 FROM snapshot_versions WHERE hash = ?)
         AND NOT EXISTS (SELECT 1 FROM snapshot_golden WHERE hash = ?)`,
      [hash, hash, hash],
    );
  });
