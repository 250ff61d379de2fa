// A Node script of this repository as a child process (a hub replica, a raw broker, an acker):
// its output collected, ready once it prints a line matching a pattern, killed on request.
// Used by the end-to-end support and by the benchmarks.
import { type ChildProcess, spawn } from 'node:child_process';

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface Child {
  readonly child: ChildProcess;
  /** Lines the child printed, for its URLs. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `node <script> ...args` from the repo root; resolves once its output matches `ready`. */
export async function startChild(
  script: string,
  args: readonly string[],
  ready: RegExp,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Child & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
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
