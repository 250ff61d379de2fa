// run-maintenance-script: the hub names a script; the agent's local config says what that name
// runs (absolute path, fixed arguments, timeout). execFile without a shell, so no argument can
// be reinterpreted, and nothing from the action reaches the command line.
import { execFile } from 'node:child_process';
import { type ActionOf, clip, type Outcome, type StepContext, StepFailure } from './context.ts';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const TAIL = 1500;
// Scripts get a fixed, minimal environment: nothing of the agent's (its broker password) leaks.
const SCRIPT_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };

export async function runScript(
  ctx: StepContext,
  action: ActionOf<'run-maintenance-script'>,
): Promise<Outcome> {
  const script = ctx.config.maintenance.scripts[action.params.name];
  // admitAction already refused unknown names; this keeps the lookup total.
  if (!script)
    throw new StepFailure('unknown-script', `no script "${action.params.name}" in the local allowlist`);
  const args = script.args ?? [];
  const timeoutMs = script.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  ctx.ledger.saveSnapshot(action.id, { command: script.command, args }, ctx.now());
  ctx.ledger.markExecuting(action.id, ctx.now());
  ctx.log.info({ action: action.id, command: script.command, args }, 'action: running maintenance script');
  const r = await new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
  }>((resolve) => {
    execFile(
      script.command,
      args,
      {
        shell: false,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
        env: SCRIPT_ENV,
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout: String(stdout),
          stderr: String(stderr) || (e && typeof e.code === 'string' ? e.message : ''),
          timedOut: !!e?.killed,
        });
      },
    );
  });
  const tail = `stdout: ${clip(r.stdout.trimEnd(), TAIL)}\nstderr: ${clip(r.stderr.trimEnd(), TAIL)}`;
  if (r.code === 0) return { outcome: 'succeeded', detail: `${action.params.name} exited 0\n${tail}` };
  const reason = r.timedOut ? 'script-timeout' : 'script-failed';
  const how = r.timedOut
    ? `killed after ${timeoutMs} ms`
    : r.signal
      ? `killed by ${r.signal}`
      : `exited ${r.code ?? '?'}`;
  return { outcome: 'failed', reason, detail: `${action.params.name} ${how}\n${tail}` };
}
