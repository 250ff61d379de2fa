// A hub replica as a real process (`cellfleet-hub serve` with an external broker and all its
// state in PostgreSQL), so a test can SIGKILL it the way a crashed machine would stop it.
import { type ChildProcess, spawn } from 'node:child_process';

export interface ReplicaOptions {
  readonly name: string;
  readonly brokerUrl: string;
  readonly hubUser: string;
  readonly hubPasswordFile: string;
  readonly pgUrl: string;
  readonly shareGroup?: string;
  /** Seconds before an unanswered dispatched action is sent again (serve --redispatch-after). */
  readonly redispatchAfterS?: number;
  /** Extra environment, e.g. CELLFLEET_FAILPOINTS to make it die at a chosen step. */
  readonly env?: Record<string, string>;
}

export interface Replica {
  readonly httpUrl: string;
  readonly child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = new URL('../../../', import.meta.url).pathname;

export async function startReplica(o: ReplicaOptions): Promise<Replica> {
  const child = spawn(
    process.execPath,
    [
      'apps/hub/src/main.ts',
      'serve',
      '--http-port',
      '0',
      '--broker-url',
      o.brokerUrl,
      '--broker-user',
      o.hubUser,
      '--broker-password-file',
      o.hubPasswordFile,
      '--share-group',
      o.shareGroup ?? 'hub',
      '--pg-url',
      o.pgUrl,
      ...(o.redispatchAfterS === undefined ? [] : ['--redispatch-after', String(o.redispatchAfterS)]),
      '--log-level',
      process.env['CELLFLEET_TEST_LOG'] ?? 'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } },
  );
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  let httpUrl: string | undefined;
  while (!httpUrl) {
    httpUrl = /API (http:\/\/\S+)\/api\/cells/.exec(out)?.[1];
    if (child.exitCode !== null) throw new Error(`replica ${o.name} exited: ${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`replica ${o.name} did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    httpUrl,
    child,
    output: () => out,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
