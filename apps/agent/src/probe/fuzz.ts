// The hostile-server fuzzer (issue 12), shared by tests/src/hostile-fuzz.test.ts and
// bench/hostile.ts; test tooling, exported through src/testing.ts, never used by the agent.
// Scripted misbehaviours and seeded mutations of a real node-opcua server's answers, each
// probed through the agent's isolated pool or its real CLI process, each checked: the agent
// alive, the probe back in time, a valid diagnosis as one JSON document, memory bounded.
import { DIAGNOSIS_CODES, type DiagnosisCode } from '@cellfleet/core';
import { onlyJson, runProbeCli } from './cli-run.ts';
import { type PeerFrame, type PeerScript, startHostilePeer } from './hostile-peer.ts';
import { HOSTILE_SCRIPTS } from './hostile-scripts.ts';
import type { ProbePool } from './isolate/pool.ts';
import { type CorpusFrame, corpusOf, planMutation } from './mutate.ts';

export interface FuzzCase {
  readonly name: string;
  readonly script: PeerScript;
  readonly upstream: boolean;
  /** Codes an honest diagnosis may give; any valid code for a mutation. */
  readonly expect?: readonly DiagnosisCode[];
  /** For a mutation: whether the frame it targets came by at all. */
  readonly hit?: () => boolean;
}

export interface FuzzOutcome {
  readonly name: string;
  readonly code: string;
  /** The probe's own duration (host start excluded), ms. */
  readonly probeMs: number;
  readonly wallMs: number;
  readonly mutated: boolean | undefined;
  /** Peak RSS of the CLI process and its probe host (CLI cases only), MiB. */
  readonly peakRssMb?: number;
  /** Empty when every check held. */
  readonly problems: readonly string[];
}

export interface FuzzTarget {
  readonly serverPort: number;
  readonly timeoutMs: number;
  /** How late a probe may come back beyond its timeout (see fuzzTarget). */
  readonly lateMs: number;
}

/**
 * A probe may come back as late as its host's hang guard (past it the pool stops even a host
 * that keeps beating), plus 1 s for the pool to notice and settle; a loaded machine may slow a
 * probe that far without anything being wrong.
 */
export const fuzzTarget = (
  pool: Pick<ProbePool, 'hangGuardMs'>,
  serverPort: number,
  timeoutMs: number,
): FuzzTarget => ({ serverPort, timeoutMs, lateMs: pool.hangGuardMs(timeoutMs) - timeoutMs + 1000 });

export const scriptedCases = (): FuzzCase[] =>
  HOSTILE_SCRIPTS.map((s) => ({ name: s.name, script: s.make(), upstream: s.upstream, expect: s.expect }));

export function mutationCases(corpus: readonly CorpusFrame[], seeds: readonly number[]): FuzzCase[] {
  return seeds.map((seed) => {
    const plan = planMutation(seed, corpus);
    const t = plan.target;
    return {
      name: `seed ${seed}: ${plan.op} on ${t.type} #${t.index} of connection ${t.conn}`,
      script: plan.script,
      upstream: true,
      hit: plan.hit,
    };
  });
}

/** Records which frames the real server sends during one clean probe through the proxy. */
export async function recordCorpus(
  pool: ProbePool,
  t: FuzzTarget,
  pkiDir: string,
): Promise<{ corpus: CorpusFrame[]; code: string }> {
  const frames: PeerFrame[] = [];
  const peer = await startHostilePeer({
    script: () => undefined,
    upstream: { host: '127.0.0.1', port: t.serverPort },
    onFrame: (f) => frames.push(f),
  });
  try {
    const r = await pool.probe(endpoint(peer.url), { pki: { dir: pkiDir }, timeoutMs: t.timeoutMs });
    return { corpus: corpusOf(frames), code: r.body.diagnosis.code };
  } finally {
    await peer.close();
  }
}

/** Runs the cases through the pool, `concurrency` at a time, in the agent's own process. */
export function fuzzInPool(
  cases: readonly FuzzCase[],
  o: FuzzTarget & { pool: ProbePool; pkiDir: string; concurrency: number },
): Promise<FuzzOutcome[]> {
  return inParallel(cases, o.concurrency, (c) =>
    withPeer(c, o, async (url) => {
      const t0 = performance.now();
      const r = await o.pool.probe(endpoint(url), { pki: { dir: o.pkiDir }, timeoutMs: o.timeoutMs });
      const copy = JSON.parse(JSON.stringify(r.body)) as typeof r.body;
      const wallMs = performance.now() - t0;
      return judge(c, o, { code: copy.diagnosis.code, probeMs: r.body.durationMs, wallMs, problems: [] });
    }),
  );
}

/** Runs the cases through `cellfleet-agent probe --json`, one process each. */
export function fuzzInCli(
  cases: readonly FuzzCase[],
  o: FuzzTarget & { pkiDir: string; startAllowanceMs: number; maxRssMb: number; concurrency: number },
): Promise<FuzzOutcome[]> {
  return inParallel(cases, o.concurrency, (c) =>
    withPeer(c, o, async (url) => {
      const args = [
        url,
        '--json',
        '--trust-on-first-use',
        '--pki',
        o.pkiDir,
        '--timeout',
        String(o.timeoutMs),
      ];
      const run = await runProbeCli(args);
      const problems: string[] = [];
      if (run.signal !== null || (run.code !== 0 && run.code !== 1)) {
        problems.push(`the CLI died: exit ${run.code} ${run.signal ?? ''} ${run.stderr.slice(-300)}`);
      }
      if (run.ms > o.timeoutMs + o.lateMs + o.startAllowanceMs)
        problems.push(`the CLI took ${Math.round(run.ms)} ms`);
      if (run.peakRssMb > o.maxRssMb) problems.push(`the CLI and its host peaked at ${run.peakRssMb} MB`);
      let code = '-';
      let probeMs = 0;
      try {
        const body = onlyJson(run.stdout);
        code = body.diagnosis.code;
        probeMs = body.durationMs;
      } catch (err) {
        problems.push((err as Error).message);
      }
      return { ...judge(c, o, { code, probeMs, wallMs: run.ms, problems }), peakRssMb: run.peakRssMb };
    }),
  );
}

async function inParallel<T, R>(items: readonly T[], n: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, n) }, worker));
  return out;
}

async function withPeer(
  c: FuzzCase,
  t: FuzzTarget,
  probe: (url: string) => Promise<FuzzOutcome>,
): Promise<FuzzOutcome> {
  const peer = await startHostilePeer({
    script: c.script,
    ...(c.upstream ? { upstream: { host: '127.0.0.1', port: t.serverPort } } : {}),
  });
  try {
    return await probe(peer.url);
  } catch (err) {
    const problems = [`threw: ${(err as Error).message}`];
    return { name: c.name, code: '-', probeMs: 0, wallMs: 0, mutated: c.hit?.(), problems };
  } finally {
    await peer.close();
  }
}

function judge(
  c: FuzzCase,
  t: FuzzTarget,
  r: { code: string; probeMs: number; wallMs: number; problems: string[] },
): FuzzOutcome {
  const problems = [...r.problems];
  if (r.code !== '-' && !(DIAGNOSIS_CODES as readonly string[]).includes(r.code))
    problems.push(`invalid code ${r.code}`);
  if (c.expect && !c.expect.includes(r.code as DiagnosisCode))
    problems.push(`got ${r.code}, expected ${c.expect.join(' or ')}`);
  if (r.probeMs > t.timeoutMs + t.lateMs) problems.push(`the probe took ${r.probeMs} ms`);
  return {
    name: c.name,
    code: r.code,
    probeMs: r.probeMs,
    wallMs: Math.round(r.wallMs),
    mutated: c.hit?.(),
    problems,
  };
}

const endpoint = (url: string) => ({ name: 'fuzz', url, trustOnFirstUse: true });

/** Counts per code, the slowest probe and every case with a problem. */
export function summarize(outcomes: readonly FuzzOutcome[]) {
  const codes: Record<string, number> = {};
  for (const o of outcomes) codes[o.code] = (codes[o.code] ?? 0) + 1;
  return {
    cases: outcomes.length,
    mutated: outcomes.filter((o) => o.mutated).length,
    maxProbeMs: Math.max(0, ...outcomes.map((o) => o.probeMs)),
    codes,
    failures: outcomes.filter((o) => o.problems.length > 0).map((o) => `${o.name}: ${o.problems.join('; ')}`),
  };
}
