// Runs a CliCommand (or cli.ts `main`) with captured streams: tests assert on the exit code and
// on what a person would read.
import { PassThrough } from 'node:stream';
import type { CliCommand } from './cli-types.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(command: CliCommand, argv: readonly string[]): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await command(argv, { stdout, stderr });
  return { code, out, err };
}
