// The long hostile-server fuzz of issue 12 (the bounded one is tests/src/hostile-fuzz.test.ts),
// and what isolating probes in probe hosts costs. Writes its section of BENCHMARKS.md.
//   node bench/hostile.ts                  2,000 mutations + every script, pool and CLI
//   node bench/hostile.ts --cases 500 --cli 10
//   node bench/hostile.ts --seed 1234      replay one mutation, with the host's own output
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createProbePool,
  type FuzzOutcome,
  type FuzzTarget,
  fuzzInCli,
  fuzzInPool,
  fuzzTarget,
  mutationCases,
  openAgentPki,
  planMutation,
  probeEndpoint,
  recordCorpus,
  runProbeCli,
  scriptedCases,
  startTestServer,
  summarize,
} from '@cellfleet/agent';
import { fmt, machine, writeSection } from './lib/report.ts';

const { values } = parseArgs({
  options: { cases: { type: 'string' }, cli: { type: 'string' }, seed: { type: 'string' } },
});
const BUDGET_MB = 512;
const dir = mkdtempSync(join(tmpdir(), 'cellfleet-bench-hostile-'));
const pkiDir = join(dir, 'pki');
const server = await startTestServer({ dir: join(dir, 'server'), maxSessions: 5000, maxConnections: 1000 });
// Mutations may give any valid code, so a short timeout keeps the many that hang cheap; scripted
// cases must get their code, some only after a SignAndEncrypt handshake on a loaded machine.
// Each may come back as late as the pool's hang guard + 1 s (fuzzTarget).
const MUTATION_TIMEOUT_MS = 1500;
const SCRIPTED_TIMEOUT_MS = 8000;
const seeds = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  if (values.seed) await replay(Number(values.seed));
  else await longRun(Number(values.cases ?? 2000), Number(values.cli ?? 40));
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function replay(seed: number): Promise<void> {
  const pool = createProbePool({ maxHosts: 1, onLog: (l) => console.log(`  host: ${l}`) });
  const target = fuzzTarget(pool, server.port, MUTATION_TIMEOUT_MS);
  const { corpus } = await recordCorpus(pool, target, pkiDir);
  const plan = planMutation(seed, corpus);
  console.log(
    `seed ${seed}: ${plan.op} on ${plan.target.type} #${plan.target.index} of connection ${plan.target.conn}`,
  );
  const [out] = await fuzzInPool(mutationCases(corpus, [seed]), { ...target, pool, pkiDir, concurrency: 1 });
  console.log(JSON.stringify(out, null, 2));
  await pool.close();
}

async function longRun(cases: number, cliCases: number): Promise<void> {
  const t0 = performance.now();
  const pool = createProbePool({ maxHosts: 4, memoryBudgetMb: BUDGET_MB });
  const target = fuzzTarget(pool, server.port, MUTATION_TIMEOUT_MS);
  const scripted = fuzzTarget(pool, server.port, SCRIPTED_TIMEOUT_MS);
  const { corpus, code } = await recordCorpus(pool, target, pkiDir);
  if (code !== 'ok') throw new Error(`a clean probe through the proxy gave ${code}`);
  const rss0 = process.memoryUsage.rss();
  const runs: Array<[string, FuzzOutcome[]]> = [];
  type Cases = Parameters<typeof fuzzInPool>[0];
  const inPool = (c: Cases, t: FuzzTarget) => fuzzInPool(c, { ...t, pool, pkiDir, concurrency: 4 });
  const inCli = (c: Cases, t: FuzzTarget) =>
    fuzzInCli(c, { ...t, pkiDir, startAllowanceMs: 20_000, maxRssMb: BUDGET_MB * 1.5, concurrency: 3 });
  runs.push(['scripted, probe pool', await inPool(scriptedCases(), scripted)]);
  runs.push([
    `mutations (seeds 1–${cases}), probe pool`,
    await inPool(mutationCases(corpus, seeds(1, cases)), target),
  ]);
  runs.push(['scripted, `cellfleet-agent probe --json`', await inCli(scriptedCases(), scripted)]);
  runs.push([
    `mutations (seeds 100001–${100_000 + cliCases}), CLI`,
    await inCli(mutationCases(corpus, seeds(100_001, cliCases)), target),
  ]);
  const agentGrowth = Math.round((process.memoryUsage.rss() - rss0) / 2 ** 20);
  const stats = pool.stats();
  await pool.close();
  const timeoutOf = (what: string) => (what.startsWith('scripted') ? scripted : target).timeoutMs;
  const all = runs.flatMap(([, o]) => o);
  const total = summarize(all);
  for (const f of total.failures) console.log(`FAIL ${f}`);
  const cost = await isolationCost();
  const rows = runs.map(([what, o]) => {
    const s = summarize(o);
    const cliPeak = Math.max(0, ...o.map((x) => x.peakRssMb ?? 0));
    const probeMedian = median(o.map((x) => x.probeMs));
    return `| ${what} | ${fmt(s.cases)} | ${fmt(s.mutated)} | ${s.failures.length} | ${fmt(probeMedian)} / ${fmt(s.maxProbeMs)} (timeout ${fmt(timeoutOf(what))}) | ${cliPeak ? `${cliPeak} MB` : '—'} |`;
  });
  const codes = Object.entries(total.codes)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${fmt(n)}`)
    .join(', ');
  writeSection(
    'Hostile OPC UA servers: fuzzer and probe isolation',
    `From \`node bench/hostile.ts\` (run by \`npm run bench\`; \`--cases N --cli N\`, \`--seed N\` replays one mutation), ${machine()}. Bounded variant in \`npm test\`: tests/src/hostile-fuzz.test.ts (34 scripts + 200 mutations in the pool, 12 through the CLI).

Each case: a peer (apps/agent/src/probe/hostile-peer.ts) either answers the agent itself with one of ${scriptedCases().length} scripted misbehaviours (hostile-scripts.ts) or sits in front of a real node-opcua server and mutates one of the ${corpus.length} frames it sends during a clean probe, chosen with the mutation from the seed (mutate.ts). Probe timeout ${target.timeoutMs} ms for mutations, ${scripted.timeoutMs} ms for scripted cases (they must get their own code, some after a SignAndEncrypt handshake). A case fails if the agent process dies, the probe comes back after its host's hang guard + 1 s (2 × timeout + 3 s grace + 1 s: ${fmt(target.timeoutMs + target.lateMs)} ms for mutations, ${fmt(scripted.timeoutMs + scripted.lateMs)} ms for scripted cases; the CLI gets ${fmt(20_000)} ms more for its start), the diagnosis is not a valid code (or not the scripted case's expected code), stdout is not exactly one JSON document, the CLI exits other than 0/1, or memory passes ${BUDGET_MB * 1.5} MB.

| run | cases | frames mutated | failures | probe ms, median / slowest | peak RSS, CLI + host |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}
| **total** | **${fmt(total.cases)}** | ${fmt(total.mutated)} | **${total.failures.length}** | slowest ${fmt(total.maxProbeMs)} | — |

Agent crashes: none. The pool runs probe in this bench's own process, so a crash there would have ended the bench before it wrote this section; a CLI process that died counts as a failure above. Probe hosts started ${stats.started}, lost to a fault (node-opcua crash, stall or memory) ${stats.faults}: each such probe still got a diagnosis. Highest host RSS ${stats.peakRssMb} MB (budget ${BUDGET_MB} MB); the agent's own process grew by ${agentGrowth} MB over the pool runs. Wall time ${fmt((performance.now() - t0) / 1000)} s. Diagnoses: ${codes}.

What isolation costs (a healthy server, SignAndEncrypt, session and reads; medians):

| measure | value |
|---|---:|
| probe in the agent's process (before issue 12) | ${fmt(cost.inProcessMs)} ms |
| probe through a warm probe host | ${fmt(cost.warmMs)} ms (+${fmt(cost.warmMs - cost.inProcessMs)} ms) |
| first probe of a new host (start + node-opcua import + probe) | ${fmt(cost.coldMs)} ms |
| \`cellfleet-agent probe\` wall time, healthy server | ${fmt(cost.cliMs)} ms |
| probe host RSS, idle after a probe | ${cost.hostRssMb} MB |
| agent process RSS without node-opcua for probes (CLI parent) | ${cost.cliParentRssMb} MB |`,
  );
  console.log(`${total.cases} cases, ${total.failures.length} failures; BENCHMARKS.md updated`);
  if (total.failures.length > 0) process.exitCode = 1;
}

async function isolationCost() {
  const endpoint = { name: 'cost', url: server.url, trustOnFirstUse: true };
  const pki = await openAgentPki({ dir: pkiDir, disableFileWatchers: true });
  const inProcess: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await probeEndpoint(endpoint, { pki, timeoutMs: 5000 });
    inProcess.push(performance.now() - t0);
  }
  await pki.dispose();
  const cold: number[] = [];
  const warm: number[] = [];
  let hostRssMb = 0;
  for (let round = 0; round < 3; round++) {
    const pool = createProbePool({ maxHosts: 1 });
    let t0 = performance.now();
    await pool.probe(endpoint, { pki: { dir: pkiDir }, timeoutMs: 5000 });
    cold.push(performance.now() - t0);
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      await pool.probe(endpoint, { pki: { dir: pkiDir }, timeoutMs: 5000 });
      warm.push(performance.now() - t0);
    }
    hostRssMb = Math.max(hostRssMb, pool.stats().peakRssMb);
    await pool.close();
  }
  const cli: number[] = [];
  let cliParentRssMb = 0;
  for (let i = 0; i < 3; i++) {
    const r = await runProbeCli([server.url, '--json', '--pki', pkiDir, '--trust-on-first-use']);
    cli.push(r.ms);
    cliParentRssMb = Math.max(cliParentRssMb, r.parentRssMb);
  }
  return {
    inProcessMs: median(inProcess),
    warmMs: median(warm),
    coldMs: median(cold),
    cliMs: median(cli),
    hostRssMb,
    cliParentRssMb,
  };
}
