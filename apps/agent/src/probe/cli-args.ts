// Argument parsing for `probe` and `trust`: strict, and every error names the flag and value
// so exit code 2 is self-explanatory.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { vendorChoices } from '@cellfleet/core';
import type { SecurityChoice } from '@cellfleet/protocol';
import { parseOpcTcpUrl } from './network.ts';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ProbeArgs {
  readonly help: boolean;
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  readonly security: SecurityChoice;
  readonly allowNone: boolean;
  readonly trustOnFirstUse: boolean;
  readonly pki: string;
  readonly timeoutMs: number;
  readonly json: boolean;
  /** A vendor or product id (core vendorChoices()). */
  readonly vendor?: string;
  /** `--capture FILE`: write the probe's own connection as pcapng (Wireshark) to FILE. */
  readonly capture?: string;
}

export const DEFAULT_PKI = join(homedir(), '.cellfleet', 'pki');
export const DEFAULT_TIMEOUT_MS = 10_000;
const SECURITY: readonly SecurityChoice[] = ['auto', 'none', 'sign', 'sign-and-encrypt'];
const VALUE_FLAGS = new Set([
  '--user',
  '--password',
  '--security',
  '--pki',
  '--timeout',
  '--vendor',
  '--capture',
]);
const BOOL_FLAGS = new Set(['--json', '--allow-none', '--trust-on-first-use', '--help', '-h']);

/** Splits argv into flags and positionals; `--flag=value` and `--flag value` both work. */
function scan(argv: readonly string[], valueFlags: Set<string>, boolFlags: Set<string>) {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (boolFlags.has(name)) flags.set(name, 'true');
    else if (valueFlags.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else throw new UsageError(`unknown flag ${name}`);
  }
  return { flags, positionals };
}

export function parseProbeArgs(argv: readonly string[]): ProbeArgs {
  const { flags, positionals } = scan(argv, VALUE_FLAGS, BOOL_FLAGS);
  const help = flags.has('--help') || flags.has('-h');
  if (help)
    return {
      help,
      url: '',
      security: 'auto',
      allowNone: false,
      trustOnFirstUse: false,
      pki: DEFAULT_PKI,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      json: false,
    };
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'missing <opc.tcp-url>' : `one URL expected, got: ${positionals.join(' ')}`,
    );
  }
  const url = positionals[0] ?? '';
  try {
    parseOpcTcpUrl(url);
  } catch (err) {
    // A URL that cannot be dialled is bad usage (exit 2), not a diagnosed failure of the server.
    throw new UsageError((err as Error).message);
  }
  const security = flags.get('--security') ?? 'auto';
  if (!(SECURITY as readonly string[]).includes(security)) {
    throw new UsageError(`--security ${security}: expected one of ${SECURITY.join(', ')}`);
  }
  const timeoutText = flags.get('--timeout') ?? String(DEFAULT_TIMEOUT_MS);
  const timeoutMs = Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw new UsageError(`--timeout ${timeoutText}: expected milliseconds between 100 and 600000`);
  }
  const vendor = flags.get('--vendor');
  if (vendor !== undefined && !vendorChoices().includes(vendor)) {
    throw new UsageError(`--vendor ${vendor}: expected one of ${vendorChoices().join(', ')}`);
  }
  if (flags.has('--password') && !flags.has('--user'))
    throw new UsageError('--password given without --user');
  return {
    help,
    url,
    security: security as SecurityChoice,
    allowNone: flags.has('--allow-none'),
    trustOnFirstUse: flags.has('--trust-on-first-use'),
    pki: flags.get('--pki') ?? DEFAULT_PKI,
    timeoutMs,
    json: flags.has('--json'),
    ...(flags.get('--user') ? { user: flags.get('--user') as string } : {}),
    ...(flags.has('--password') ? { password: flags.get('--password') as string } : {}),
    ...(vendor ? { vendor } : {}),
    ...(flags.get('--capture') ? { capture: flags.get('--capture') as string } : {}),
  };
}
