// One probe host as the agent sees it: a child process with an IPC channel, its output kept
// off the agent's stdout, a hard deadline per probe and a memory watch from outside (Linux
// /proc; the host watches itself too, portably). Whatever the host does, run() settles.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';
import type { ProbeEvidence, StepName } from '@cellfleet/core';
import type { ProbeResult } from '../ladder.ts';
import { type FromHost, HOST_EXIT, PROBE_HOST_COMMAND, type ProbeRequest } from './messages.ts';
import { hangGuardMs, judgeHost, silenceLimitMs } from './watchdog.ts';

export interface Progress {
  readonly evidence: ProbeEvidence;
  readonly running: StepName | undefined;
  readonly at: number;
}

export type FaultCause = 'crash' | 'memory' | 'stalled';

export type Outcome =
  | { readonly kind: 'result'; readonly result: ProbeResult }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'fault';
      readonly cause: FaultCause;
      readonly message: string;
      readonly notes: readonly string[];
      readonly status?: string;
      readonly progress?: Progress;
    };

export interface HostProcess {
  readonly pid: number | undefined;
  /** Resolves once the host has loaded the ladder; rejects if it never does. */
  readonly ready: Promise<void>;
  readonly alive: boolean;
  /** Highest resident memory seen while it probed (Linux /proc; 0 elsewhere), in MiB. */
  readonly peakRssMb: number;
  /** Settles with the host's answer, or a fault once watchdog.ts gives up on the host. */
  run(request: ProbeRequest, graceMs: number): Promise<Outcome>;
  kill(): void;
}

export interface HostOptions {
  readonly memoryBudgetMb: number;
  readonly onLog?: (line: string) => void;
  readonly startTimeoutMs?: number;
}

export function spawnHost(o: HostOptions): HostProcess {
  const command = hostCommand(o.memoryBudgetMb);
  const child = spawn(command.file, command.args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let tail = '';
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      tail = `${tail}\n${line}`.slice(-4000);
      o.onLog?.(line);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the probe host did not start in time'));
    }, o.startTimeoutMs ?? 60_000);
    child.on('message', (m: FromHost) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the probe host exited while starting: ${tail.slice(-600)}`));
    });
  });
  ready.catch(() => {});
  const peak = { mb: 0 };
  // Once killed or faulted a host is never handed out again, even before its exit is seen.
  let doomed = false;
  const kill = () => {
    doomed = true;
    child.kill('SIGKILL');
  };
  return {
    pid: child.pid,
    ready,
    get alive() {
      return !doomed && child.exitCode === null && child.signalCode === null;
    },
    get peakRssMb() {
      return peak.mb;
    },
    run: async (request, graceMs) => {
      const out = await runOne(child, {
        request,
        graceMs,
        exited,
        budgetMb: o.memoryBudgetMb,
        tail: () => tail,
        peak,
      });
      if (out.kind === 'fault') kill();
      return out;
    },
    kill,
  };
}

interface RunContext {
  readonly request: ProbeRequest;
  readonly graceMs: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly budgetMb: number;
  readonly tail: () => string;
  readonly peak: { mb: number };
}

function runOne(child: ChildProcess, c: RunContext): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let progress: Progress | undefined;
    let fault: Extract<FromHost, { type: 'fault' }> | undefined;
    let settled = false;
    const startedAt = performance.now();
    let heardAt = startedAt;
    let suspect = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      child.off('message', onMessage);
      resolve(o);
    };
    const faulted = (cause: FaultCause, message: string) =>
      done({
        kind: 'fault',
        cause,
        message,
        notes: fault?.notes ?? [],
        ...(fault?.status ? { status: fault.status } : {}),
        ...(progress ? { progress } : {}),
      });
    const stop = (cause: FaultCause, message: string) => {
      child.kill('SIGKILL');
      faulted(cause, message);
    };
    const onMessage = (m: FromHost) => {
      if (m.type === 'fault') fault = m;
      else if (m.type === 'ready' || m.id !== c.request.id) return;
      heardAt = performance.now();
      if (m.type === 'progress') progress = { evidence: m.evidence, running: m.running, at: m.at };
      else if (m.type === 'result') done({ kind: 'result', result: m.result });
      else if (m.type === 'error') done({ kind: 'error', message: m.message });
    };
    child.on('message', onMessage);
    const { timeoutMs } = c.request;
    const watch = setInterval(() => {
      const rss = rssMb(child.pid);
      if (rss !== undefined) c.peak.mb = Math.max(c.peak.mb, rss);
      if (rss !== undefined && rss > c.budgetMb * 1.5)
        return stop(
          'memory',
          `the probe used ${rss} MB, over its budget of ${c.budgetMb} MB, so its process was stopped`,
        );
      const now = performance.now();
      const verdict = judgeHost({
        elapsedMs: now - startedAt,
        silentMs: now - heardAt,
        timeoutMs,
        graceMs: c.graceMs,
      });
      // A verdict must hold on two ticks in a row: if this process was the one starved, the
      // host's heartbeats are waiting in the IPC pipe, and timers run before I/O is read.
      const confirmed = verdict !== 'working' && suspect;
      suspect = verdict !== 'working';
      if (!confirmed) return;
      if (verdict === 'hung')
        stop(
          'stalled',
          `the probe did not finish within ${hangGuardMs(timeoutMs, c.graceMs)} ms (twice its timeout plus ${c.graceMs} ms), so its process was stopped`,
        );
      else
        stop(
          'stalled',
          `the probe process was past its timeout of ${timeoutMs} ms + ${c.graceMs} ms and silent for ${silenceLimitMs(c.graceMs)} ms, so it was stopped`,
        );
    }, 100);
    void c.exited.then(({ code, signal }) => {
      if (fault) faulted(fault.kind, fault.message);
      else
        faulted(
          exitCause(code, c.tail()),
          `the probe process ended (${signal ?? `exit ${code}`}): ${lastError(c.tail())}`,
        );
    });
    child.send(c.request);
  });
}

function exitCause(code: number | null, tail: string): FaultCause {
  return code === HOST_EXIT.memory || /heap out of memory|Array buffer allocation failed/i.test(tail)
    ? 'memory'
    : 'crash';
}

/** The last line of the host's output that reads like an error. */
function lastError(tail: string): string {
  const lines = tail.split('\n').filter((l) => /error|fatal|abort/i.test(l));
  return (lines.at(-1) ?? tail.split('\n').at(-1) ?? '').trim().slice(0, 300);
}

/**
 * How to start a host. The packaged executable (a single executable application, issue 14) has
 * no source files beside it: it starts itself with the hidden command `cli.ts` hands to
 * host.ts, its V8 flags fixed in the executable. From a checkout, Node runs host-main.ts with
 * the agent's TypeScript flags (never test or inspector flags) and a V8 heap cap.
 */
function hostCommand(budgetMb: number): { file: string; args: string[] } {
  if (isSea()) return { file: process.execPath, args: [PROBE_HOST_COMMAND, String(budgetMb)] };
  const main = fileURLToPath(new URL('./host-main.ts', import.meta.url));
  const keep = process.execArgv.filter((a) => /strip-types|transform-types|no-warnings|experimental/.test(a));
  const heap = `--max-old-space-size=${Math.max(64, Math.round(budgetMb * 0.75))}`;
  return { file: process.execPath, args: [...keep, heap, main, String(budgetMb)] };
}

function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
