// Child processes for benchmarks (a hub, a raw broker + acker) and their CPU/RSS from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface Child {
  readonly child: ChildProcess;
  /** Lines the child printed, for its URLs. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `node <script> ...args` from the repo root; resolves once stdout matches `ready`.
 * `nodeArgs` go before the script (e.g. `--cpu-prof`, whose profile is written on a graceful exit).
 */
export async function startChild(
  script: string,
  args: readonly string[],
  ready: RegExp,
  nodeArgs: readonly string[] = [],
): Promise<Child & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let match: RegExpExecArray | null = null;
  while (!match) {
    match = ready.exec(out);
    if (child.exitCode !== null) throw new Error(`${script} exited: ${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not become ready: ${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    match,
    output: () => out,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface ProcSample {
  readonly at: number;
  /** user + system CPU seconds so far */
  readonly cpuSec: number;
  readonly rssMB: number;
  readonly peakRssMB: number;
}

const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat counts in these (proc(5))

export function sample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSec = (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { at: Date.now(), cpuSec, rssMB: kb('VmRSS') / 1024, peakRssMB: kb('VmHWM') / 1024 };
}

/** Average CPU use between two samples, in % of one core. */
export const cpuPercent = (a: ProcSample, b: ProcSample) =>
  (100 * (b.cpuSec - a.cpuSec)) / ((b.at - a.at) / 1000);
