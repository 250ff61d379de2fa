// Snapshot benchmarks (issue 4): `npx node bench/snapshot.ts` prints markdown.
//  1. snapshot of 10,000 and 100,000 nodes from an emulated Kepware cell (a child process, so the
//     server does not share this process's event loop) vs (a) naive one-request-per-node
//     (sampled) and (b) the floor: the same batched requests replayed with no processing;
//  2. bytes on the wire: unchanged re-snapshot, full snapshot raw vs gzip;
//  3. sister comparison of 1,000 cells × 5,000 keys and its growth (snapshot-compare.ts);
//     `--only compare` runs that part alone.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { createSnapshotPublisher, openAgentPki, openSession, pool, takeSnapshot } from '@cellfleet/agent';
import { canonicalSnapshot } from '@cellfleet/core';
import { AttributeIds, type ClientSession } from 'node-opcua';
import { compareBench } from './lib/snapshot-compare.ts';
import { hubCompareBench } from './lib/snapshot-hub.ts';

async function serve(extra: number) {
  const child = spawn(process.execPath, [import.meta.filename, '--serve', String(extra)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', resolve),
  );
  return {
    url: line.trim(),
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.stdin!.end();
      }),
  };
}

type Method = 'browse' | 'browseNext' | 'read';
type Call = { method: Method; args: unknown[] };
type Raw = Record<Method, (...a: unknown[]) => Promise<unknown>>;

/** Records every request the snapshotter sends, to replay them as the floor. */
function recording(session: ClientSession, calls: Call[]): Raw {
  const s = session as unknown as Raw;
  const raw = {} as Raw;
  for (const method of ['browse', 'browseNext', 'read'] as const) {
    const orig = s[method].bind(session);
    raw[method] = orig;
    s[method] = (...args: unknown[]) => {
      calls.push({ method, args });
      return orig(...args);
    };
  }
  return raw;
}

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return () => {
    clearInterval(t);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
const kb = (b: number) => (b < 1024 ? `${b} B` : `${(b / 1024).toFixed(1)} KB`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function snapshotBench(extra: number, pkiDir: string, rows: string[], wire: string[]) {
  const server = await serve(extra);
  const pki = await openAgentPki({ dir: pkiDir, disableFileWatchers: true });
  const open = await openSession(
    { name: 'bench', url: server.url, security: 'none', allowSecurityNone: true },
    { pki, timeoutMs: 10_000 },
  );
  try {
    const calls: Call[] = [];
    const raw = recording(open.session, calls);
    const session = open.session;
    global.gc?.();
    const stop = rssSampler();
    const t0 = performance.now();
    const run = await takeSnapshot(session, { endpoint: 'kepware', now: Date.now, maxNodes: 200_000 });
    const ms = performance.now() - t0;
    const peak = stop();
    const req = calls.length;
    // (b) floor: the same requests, same concurrency (2), results dropped.
    const t1 = performance.now();
    await pool(calls, 2, (c) => raw[c.method](...c.args));
    const floor = performance.now() - t1;
    // (a) naive: one Browse per node and one Read per attribute, on a sample of nodes.
    const nodeIds = calls
      .filter((c) => c.method === 'read')
      .flatMap((c) => (c.args[0] as { nodeId: unknown }[]).map((r) => r.nodeId));
    const sample = [...new Set(nodeIds)].slice(0, 1000);
    const t2 = performance.now();
    for (const nodeId of sample) {
      await raw.browse({
        nodeId,
        browseDirection: 0,
        referenceTypeId: 'HierarchicalReferences',
        includeSubtypes: true,
        resultMask: 0x3f,
      });
      for (const attributeId of [AttributeIds.DataType, AttributeIds.AccessLevel, AttributeIds.Value]) {
        await raw.read({ nodeId, attributeId });
      }
    }
    const naivePerNode = (performance.now() - t2) / sample.length;
    const naive = naivePerNode * run.stats.nodes;
    const n = run.stats.nodes;
    rows.push(
      `| ${n.toLocaleString('en')} | ${s(ms)} | ${req} | ${Math.round(n / (ms / 1000)).toLocaleString('en')} | ${mb(peak)} | ${s(floor)} | ${(ms / floor).toFixed(2)}× | ~${s(naive)} (${(n * 4).toLocaleString('en')} requests, from a ${sample.length}-node sample) | ${(naive / ms).toFixed(0)}× |`,
    );
    // Bytes on the wire: full (chunked gzip) then an unchanged re-snapshot (hash only).
    let ids = 0;
    const pub = createSnapshotPublisher({
      cell: 'plant.line1.bench',
      newId: () => `b-${String(++ids).padStart(8, '0')}`,
      now: Date.now,
    });
    const text = canonicalSnapshot(run.snapshot);
    const full = pub.publish(run.snapshot);
    pub.acknowledged(full.messages.map((m) => m.id));
    calls.length = 0;
    const again = await takeSnapshot(open.session, { endpoint: 'kepware', now: Date.now, maxNodes: 200_000 });
    const unchanged = pub.publish(again.snapshot);
    wire.push(
      `| ${n.toLocaleString('en')} | ${unchanged.kind}, ${kb(unchanged.bytes)} | ${kb(Buffer.byteLength(text))} | ${kb(gzipSync(text).length)} | ${full.messages.length} chunk(s), ${kb(full.bytes)} |`,
    );
  } finally {
    await open.close();
    await pki.dispose();
    await server.stop();
  }
}

async function main() {
  // `--only compare`: the sister comparison alone (pure, no emulated server).
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'cellfleet-bench-'));
  const rows: string[] = [];
  const wire: string[] = [];
  try {
    if (only !== 'compare')
      for (const extra of [10_000, 100_000]) await snapshotBench(extra, join(dir, 'pki'), rows, wire);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const snapshot = [
    '## Snapshot (emulated Kepware cell in a child process, loopback, 2 cores)',
    '',
    '| nodes | wall | requests | nodes/s | peak RSS (agent) | floor: same requests, no processing | vs floor | naive: one request per node | naive / ours |',
    '|---:|---:|---:|---:|---:|---:|---:|---|---:|',
    ...rows,
    '',
    '## Bytes on the wire',
    '',
    '| nodes | unchanged re-snapshot | full, canonical JSON | full, gzip | full, as sent |',
    '|---:|---|---:|---:|---|',
    ...wire,
    '',
  ];
  const out = [...(only === 'compare' ? [] : snapshot), ...compareBench(), ...(await hubCompareBench())];
  process.stdout.write(out.join('\n'));
  // A full run is the record (bench/main.ts folds it into BENCHMARKS.md); a partial one only prints.
  if (only === undefined)
    writeFileSync(
      new URL('./snapshot-results.md', import.meta.url),
      `# Snapshot benchmark results\n\nFrom \`npx node bench/snapshot.ts\` (run by \`npm run bench\`).\n\n${out.join('\n')}\n`,
    );
}

if (process.argv[2] === '--serve') {
  const { startCell } = await import('@cellfleet/cellsim');
  const cell = await startCell({ kind: 'kepware', name: 'bench', extraNodes: Number(process.argv[3]) });
  process.stdout.write(`${cell.endpointUrl}\n`);
  process.stdin.on('end', () => void cell.stop().then(() => process.exit(0)));
  process.stdin.resume();
} else await main();
