// Runs the system tools `service` drives (systemctl, systemd-sysusers, sc.exe, the WinSW
// wrapper) and says what ran, so the person installing sees every step.
import { spawnSync } from 'node:child_process';
import type { CliIO } from '../cli-types.ts';
import { AgentError } from '../errors.ts';

export interface ToolResult {
  readonly status: number;
  readonly output: string;
}

export function tool(
  io: CliIO,
  cmd: string,
  args: readonly string[],
  o: { quiet?: boolean } = {},
): ToolResult {
  if (!o.quiet) io.stdout.write(`  $ ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    return { status: 127, output: missing ? `${cmd}: not found` : r.error.message };
  }
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}`.trim() };
}

/** A step that must succeed: its output goes to the user, and a failure stops the install. */
export function mustRun(io: CliIO, cmd: string, args: readonly string[]): string {
  const r = tool(io, cmd, args);
  if (r.status !== 0)
    throw new AgentError('io', `${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.output}`);
  if (r.output) io.stdout.write(`${r.output.replace(/^/gm, '    ')}\n`);
  return r.output;
}
