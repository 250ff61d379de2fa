// The command-line layer every hub command shares: node:util parseArgs in strict mode with
// errors that name the flag (exit code 2), integer flags with their range, and the CliIo a
// command writes to. main.ts passes the process's streams, clock and environment; tests pass
// their own, so no command reads process.* itself.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { AppError, EXIT, exitCodeFor, UsageError } from './errors.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  now(): number;
  /** The environment (main.ts passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM): long-running commands wait on it. */
  stopped(): Promise<void>;
}

export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

export interface CommandSpec {
  /** One line for the command list: `name — what it does`. */
  readonly summary: string;
  readonly run: CliCommand;
}

/** Who the audit log records for a change made from the command line. */
export const cliActor = (io: CliIo): string => `cli:${io.env['USER'] ?? 'unknown'}`;

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
  positionals = false,
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^.*?: /, ''));
  }
}

export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = 65535,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`, {
      field: name,
    });
  return n;
}

/**
 * Runs one command the way main.ts does: an expected failure (AppError, UsageError) becomes one
 * line on stderr and its exit code; anything else is a bug and keeps its stack.
 */
export async function runCommand(
  name: string,
  command: CliCommand,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  try {
    return await command(argv, io);
  } catch (err) {
    if (err instanceof AppError) {
      io.stderr(`cellfleet-hub ${name}: ${err.message}\n`);
      return exitCodeFor(err);
    }
    io.stderr(`cellfleet-hub ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.failure;
  }
}
