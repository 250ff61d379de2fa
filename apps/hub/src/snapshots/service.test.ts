import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { canonicalSnapshot, makeDelta, type Snapshot } from '@cellfleet/core';
import { createEnvelope } from '@cellfleet/protocol';
import { compareCommand } from './cli.ts';
import { sha256Hex } from './ingest.ts';
import { createSnapshotService } from './service.ts';
import { openSqliteSnapshotStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-hub-snapshots-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const id = () => `m-${String(++n).padStart(8, '0')}`;
const CELL = 'plant.line1.press-01';
const snap = (version: string, extra: Snapshot['entries'] = {}): Snapshot => ({
  format: 1,
  endpoint: 'kepware',
  takenAt: Date.UTC(2026, 10, 24, 2, 14),
  status: { state: 'complete', nodes: 0 },
  entries: { 'server.softwareVersion': version, ...extra },
});
const hashOf = (s: Snapshot) => sha256Hex(canonicalSnapshot(s));

function chunks(cell: string, s: Snapshot, pieces = 3) {
  const gz = gzipSync(canonicalSnapshot(s));
  const size = Math.ceil(gz.length / pieces);
  return Array.from({ length: pieces }, (_, index) =>
    createEnvelope({
      kind: 'snapshot-chunk',
      id: id(),
      cell,
      ts: 1,
      body: {
        endpoint: 'kepware',
        hash: hashOf(s),
        takenAt: s.takenAt,
        index,
        count: pieces,
        encoding: 'gzip+base64',
        data: gz.subarray(index * size, (index + 1) * size).toString('base64'),
      },
    }),
  );
}

test('chunks reassemble out of order; unknown hash and missing base ask for a resend', async () => {
  const store = await openSqliteSnapshotStore(join(dir, 'a.db'));
  const svc = createSnapshotService({ store, now: () => 1000, newId: id });
  const a = snap('6.16.1');
  const unknown = await svc.ingest(
    createEnvelope({
      kind: 'snapshot-hash',
      id: id(),
      cell: CELL,
      ts: 1,
      body: { endpoint: 'kepware', hash: hashOf(a), takenAt: 1 },
    }),
  );
  assert.deepEqual(
    unknown.replies.map((r) => [r.kind, r.body]),
    [['snapshot-resend', { endpoint: 'kepware', reason: 'unknown-hash' }]],
  );
  const parts = chunks(CELL, a);
  for (const m of [parts[2]!, parts[0]!]) assert.equal((await svc.ingest(m)).stored, undefined);
  const done = await svc.ingest(parts[1]!);
  assert.equal(done.stored?.hash, hashOf(a));
  const b = snap('6.14.263');
  const d = makeDelta(a, b);
  const missing = await svc.ingest(
    createEnvelope({
      kind: 'snapshot-delta',
      id: id(),
      cell: CELL,
      ts: 1,
      body: {
        endpoint: 'kepware',
        hash: hashOf(b),
        baseHash: 'f'.repeat(64),
        takenAt: b.takenAt,
        status: { state: 'complete', nodes: 0 },
        ops: d.ops,
      },
    }),
  );
  assert.equal(missing.replies[0]?.body.reason, 'missing-base');
  const bad = await svc.ingest(
    createEnvelope({
      kind: 'snapshot-delta',
      id: id(),
      cell: CELL,
      ts: 1,
      body: {
        endpoint: 'kepware',
        hash: 'e'.repeat(64),
        baseHash: hashOf(a),
        takenAt: b.takenAt,
        status: { state: 'complete', nodes: 0 },
        ops: d.ops,
      },
    }),
  );
  assert.equal(bad.replies[0]?.body.reason, 'hash-mismatch');
  const ok = await svc.ingest(
    createEnvelope({
      kind: 'snapshot-delta',
      id: id(),
      cell: CELL,
      ts: 1,
      body: {
        endpoint: 'kepware',
        hash: hashOf(b),
        baseHash: hashOf(a),
        takenAt: b.takenAt,
        status: { state: 'complete', nodes: 0 },
        ops: d.ops,
      },
    }),
  );
  assert.equal(ok.drift?.text, 'softwareVersion changed 6.16.1 → 6.14.263 at 2026-11-24 02:14 UTC');
  // Back to the first content: the hub knows it, so a hash is enough and it is a new version.
  const back = await svc.ingest(
    createEnvelope({
      kind: 'snapshot-hash',
      id: id(),
      cell: CELL,
      ts: 1,
      body: { endpoint: 'kepware', hash: hashOf(a), takenAt: 5 },
    }),
  );
  assert.equal(back.replies.length, 0);
  assert.match(back.drift?.text ?? '', /6\.14\.263 → 6\.16\.1/);
  assert.equal((await svc.versions(CELL)).length, 3);
  assert.equal(
    (
      await svc.ingest(
        createEnvelope({ kind: 'ack', id: id(), cell: CELL, ts: 1, body: { ids: ['abcdefgh'] } }),
      )
    ).handled,
    false,
  );
  await store.close();
});

test('retention keeps the newest versions; diff of any two; compare CLI writes a report', async () => {
  const path = join(dir, 'b.db');
  const store = await openSqliteSnapshotStore(path);
  const svc = createSnapshotService({ store, now: () => 1000, newId: id, retention: { maxVersions: 3 } });
  for (let v = 0; v < 6; v++) for (const m of chunks(CELL, snap(`1.0.${v}`), 1)) await svc.ingest(m);
  const versions = await svc.versions(CELL);
  assert.deepEqual(
    versions.map((v) => v.hash),
    [3, 4, 5].map((v) => hashOf(snap(`1.0.${v}`))),
  );
  const d = await svc.diff(CELL, versions[0]!.hash.slice(0, 12), 'latest');
  assert.deepEqual(
    d?.diff.changed.map((c) => [c.from, c.to]),
    [['1.0.3', '1.0.5']],
  );
  for (const name of ['press-02', 'press-03']) {
    for (const m of chunks(`plant.line1.${name}`, snap('1.0.5'), 1)) await svc.ingest(m);
    await svc.assignGroup(`plant.line1.${name}`, 'presses');
  }
  await svc.assignGroup(CELL, 'presses');
  for (const m of chunks(CELL, snap('1.0.9'), 1)) await svc.ingest(m);
  await store.close();
  const out = new PassThrough();
  const err = new PassThrough();
  const file = join(dir, 'report.html');
  const code = await compareCommand(['compare', 'presses', '--db', path, '--format', 'html', '--out', file], {
    stdout: out,
    stderr: err,
  });
  assert.equal(code, 0);
  assert.match(
    readFileSync(file, 'utf8'),
    /plant\.line1\.press-01: softwareVersion 1\.0\.9; 2 of 3 sisters have 1\.0\.5/,
  );
  assert.equal(await compareCommand(['compare', '--db', path], { stdout: out, stderr: err }), 2);
});
