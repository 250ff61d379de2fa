// Command-line parsing shared by the hub's commands: node:util parseArgs in strict mode, with
// errors rewritten to name the flag, and exit code 2 for bad usage.
import { type ParseArgsConfig, parseArgs } from 'node:util';

export class UsageError extends Error {}

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
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}
