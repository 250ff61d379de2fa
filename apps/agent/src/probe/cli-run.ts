// `cellfleet-agent probe --json` as a real process, for the hostile-server suites (test tooling,
// exported through src/testing.ts): its exit
// code, its stdout and stderr apart, its wall time, and the peak RSS of it and its children
// (read from /proc while it runs: VmHWM, the high-water mark, so short peaks are not missed).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAIN = new URL('../main.ts', import.meta.url).pathname;

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Highest VmHWM seen among the CLI process and its descendants, in MiB. */
  readonly peakRssMb: number;
  /** The CLI process's own VmHWM (without its probe host), in MiB. */
  readonly parentRssMb: number;
}

export async function runProbeCli(args: readonly string[], killAfterMs = 60_000): Promise<CliRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [MAIN, 'probe', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let peak = 0;
  let parent = 0;
  const poll = setInterval(() => {
    if (!child.pid) return;
    peak = Math.max(peak, treePeakKb(child.pid));
    parent = Math.max(parent, vmHwmKb(child.pid));
  }, 50);
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (c, s) => resolve([c, s])),
  );
  clearInterval(poll);
  clearTimeout(killer);
  const mb = (kb: number) => Math.round(kb / 1024);
  return {
    code,
    signal,
    stdout,
    stderr,
    ms: performance.now() - t0,
    peakRssMb: mb(peak),
    parentRssMb: mb(parent),
  };
}

/** The largest VmHWM (kB) of `pid` and every descendant; 0 where /proc has no answer. */
export function treePeakKb(pid: number): number {
  let peak = 0;
  const stack = [pid];
  for (let guard = 0; stack.length > 0 && guard < 64; guard++) {
    const p = stack.pop() as number;
    peak = Math.max(peak, vmHwmKb(p));
    stack.push(...childrenOf(p));
  }
  return peak;
}

function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The one JSON document stdout must hold; throws naming what else was there. */
export function onlyJson(stdout: string): {
  diagnosis: { code: string; summary: string };
  ok: boolean;
  durationMs: number;
} {
  try {
    return JSON.parse(stdout);
  } catch (err) {
    throw new Error(
      `stdout is not exactly one JSON document (${(err as Error).message}): ${stdout.slice(0, 400)}`,
    );
  }
}
