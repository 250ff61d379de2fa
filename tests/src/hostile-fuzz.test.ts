// The hostile-server fuzzer of issue 12, bounded for `npm test` (~2 min here): every scripted
// misbehaviour and 200 seeded mutations of a real server's answers through the agent's probe
// pool, then a sample of both through the real `cellfleet-agent probe --json` process. Each case
// must leave the agent alive, come back in time with a valid diagnosis as one JSON document and
// keep memory bounded; scripted cases must also get their right code. `npm run bench` runs the
// long variant (bench/hostile.ts, counts in BENCHMARKS.md); one seed is replayed with
// `node bench/hostile.ts --seed N`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  type CorpusFrame,
  createProbePool,
  type FuzzOutcome,
  type FuzzTarget,
  fuzzInCli,
  fuzzInPool,
  fuzzTarget,
  mutationCases,
  type ProbePool,
  recordCorpus,
  scriptedCases,
  startTestServer,
  summarize,
  type TestServer,
} from '@cellfleet/agent';

const BUDGET_MB = 512;
const dir = mkdtempSync(join(tmpdir(), 'cellfleet-fuzz-'));
const pkiDir = join(dir, 'pki');
let server: TestServer;
let pool: ProbePool;
let target: FuzzTarget;
let scripted: FuzzTarget;
let corpus: CorpusFrame[];

const seeds = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

function report(what: string, outcomes: readonly FuzzOutcome[]): ReturnType<typeof summarize> {
  const s = summarize(outcomes);
  console.log(`\n${what}: ${s.cases} cases (${s.mutated} mutated), slowest probe ${s.maxProbeMs} ms`);
  console.log(`  codes: ${JSON.stringify(s.codes)}`);
  return s;
}

before(async () => {
  // Sessions of killed probes linger until they time out: room for all of them.
  server = await startTestServer({ dir: join(dir, 'server'), maxSessions: 1000, maxConnections: 500 });
  pool = createProbePool({ maxHosts: 4, memoryBudgetMb: BUDGET_MB });
  // Mutations may give any valid code: a short timeout keeps the many that hang cheap. Scripted
  // cases must get their code, some only after a SignAndEncrypt handshake: a timeout that a host
  // starved by other work still makes (4 s did not, at a load of 10 on two cores).
  // Each may come back as late as the pool's hang guard + 1 s (fuzzTarget), not a fixed number.
  target = fuzzTarget(pool, server.port, 1500);
  scripted = fuzzTarget(pool, server.port, 8000);
  const clean = await recordCorpus(pool, target, pkiDir);
  assert.equal(clean.code, 'ok', 'a clean probe through the proxy works, so mutations are meaningful');
  corpus = clean.corpus;
  assert.ok(corpus.length >= 10, `the recorded conversation has ${corpus.length} server frames`);
});

after(async () => {
  await pool.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('every scripted misbehaviour, through the pool: named right, the agent unharmed', {
  timeout: 120_000,
}, async () => {
  const rss0 = process.memoryUsage.rss();
  const s = report(
    'scripted (pool)',
    await fuzzInPool(scriptedCases(), { ...scripted, pool, pkiDir, concurrency: 4 }),
  );
  assert.ok(s.cases >= 20);
  assert.deepEqual(s.failures, []);
  assert.ok(pool.stats().faults >= 2, 'the node-opcua crashes were isolated, not avoided');
  assert.ok(process.memoryUsage.rss() - rss0 < 150 * 2 ** 20, 'the agent process stayed within 150 MB');
});

test('200 seeded mutations of a real server’s answers, through the pool', { timeout: 240_000 }, async () => {
  const rss0 = process.memoryUsage.rss();
  const cases = mutationCases(corpus, seeds(1, 200));
  const s = report('mutations (pool)', await fuzzInPool(cases, { ...target, pool, pkiDir, concurrency: 4 }));
  const stats = pool.stats();
  console.log(
    `  hosts started ${stats.started}, lost to faults ${stats.faults}, host peak RSS ${stats.peakRssMb} MB`,
  );
  assert.deepEqual(s.failures, []);
  assert.ok(s.mutated >= 180, `only ${s.mutated} of 200 mutations met their frame`);
  assert.ok(Object.keys(s.codes).length >= 4, 'mutations reach several diagnoses');
  assert.ok(stats.peakRssMb <= BUDGET_MB * 1.5, `host RSS peaked at ${stats.peakRssMb} MB`);
  assert.ok(process.memoryUsage.rss() - rss0 < 150 * 2 ** 20, 'the agent process stayed within 150 MB');
});

test('through the real CLI: exit 0 or 1, one JSON document on stdout, bounded RSS', {
  timeout: 240_000,
}, async () => {
  // The CLI costs a process start and node-opcua's import (~2-3 s each here): a sample of the
  // scripted cases where node-opcua logs or crashes, and a few mutations.
  const picked = [
    'ack-zero-sizes',
    'err-huge-reason-length',
    'ssh-banner',
    'reset-after-hello',
    'opn-answered-with-short-err',
    'opn-size-field-absurd',
    'secure-opn-err-empty-reason',
    'close-after-opn',
  ];
  const cases = [
    ...scriptedCases().filter((c) => picked.includes(c.name)),
    ...mutationCases(corpus, seeds(10_001, 4)),
  ];
  const outcomes = await fuzzInCli(cases, {
    ...scripted,
    pkiDir,
    // A process start, then the host's own start (bounded at 60 s by the pool), then the probe.
    startAllowanceMs: 60_000,
    maxRssMb: BUDGET_MB * 1.5,
    concurrency: 3,
  });
  const s = report('CLI', outcomes);
  console.log(`  peak RSS of a CLI process tree: ${Math.max(...outcomes.map((o) => o.peakRssMb ?? 0))} MB`);
  assert.equal(s.cases, 12);
  assert.deepEqual(s.failures, []);
});
