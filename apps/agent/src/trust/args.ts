// Arguments of `cellfleet-agent trust`: which action, which certificate, and which PKI folder.
// The PKI is the one `run` uses when --config is given (<dataDir>/pki), so the service's
// rejected certificates are the ones listed; --pki names a folder directly (what `probe --pki`
// used); with neither, the CLI's own folder (~/.cellfleet/pki, where `probe` keeps it).
import { parseArgs } from 'node:util';
import { DEFAULT_PKI, UsageError } from '../probe/cli-args.ts';

export const TRUST_ACTIONS = ['list', 'show', 'accept', 'reject'] as const;
export type TrustAction = (typeof TRUST_ACTIONS)[number];

/** Where the PKI comes from; the hints repeat the same flag so they work as printed. */
export type PkiSource =
  | { readonly kind: 'config'; readonly file: string }
  | { readonly kind: 'pki'; readonly dir: string }
  | { readonly kind: 'default'; readonly dir: string };

export interface TrustArgs {
  readonly help: boolean;
  readonly action: TrustAction;
  /** Set for show, accept and reject. */
  readonly thumbprint?: string;
  readonly source: PkiSource;
  readonly json: boolean;
}

const PREFIX = /^[0-9a-fA-F: ]{4,}$/;

export function parseTrustArgs(argv: readonly string[]): TrustArgs {
  let parsed: ReturnType<typeof scan>;
  try {
    parsed = scan(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const source = pkiSource(values.config, values.pki);
  const base = { help: values.help ?? false, source, json: values.json ?? false };
  if (base.help) return { ...base, action: 'list' };
  const [first, ...rest] = positionals;
  const named = (TRUST_ACTIONS as readonly string[]).includes(first ?? '');
  // `trust <prefix>` is kept as accept: older hints and scripts print it that way.
  const action: TrustAction = first === undefined ? 'list' : named ? (first as TrustAction) : 'accept';
  const targets = named ? rest : positionals;
  if (action === 'list') {
    if (targets.length > 0) throw new UsageError(`trust list takes no argument, got: ${targets.join(' ')}`);
    return { ...base, action };
  }
  if (targets.length !== 1) {
    throw new UsageError(
      targets.length === 0
        ? `trust ${action} needs a thumbprint prefix (see: cellfleet-agent trust list)`
        : `one thumbprint prefix expected, got: ${targets.join(' ')}`,
    );
  }
  const thumbprint = targets[0] ?? '';
  if (!PREFIX.test(thumbprint)) {
    throw new UsageError(`thumbprint prefix ${thumbprint}: expected at least 4 hex digits (colons allowed)`);
  }
  return { ...base, action, thumbprint };
}

function scan(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      pki: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function pkiSource(config: string | undefined, pki: string | undefined): PkiSource {
  if (config !== undefined && pki !== undefined) {
    throw new UsageError('--config and --pki both given: use one (--config uses <dataDir>/pki)');
  }
  if (config === '' || pki === '')
    throw new UsageError(`--${config === '' ? 'config' : 'pki'} needs a value`);
  if (config !== undefined) return { kind: 'config', file: config };
  if (pki !== undefined) return { kind: 'pki', dir: pki };
  return { kind: 'default', dir: DEFAULT_PKI };
}

/** ` --config FILE` / ` --pki DIR` / `` — appended to every command the CLI suggests. */
export function sourceFlag(source: PkiSource): string {
  if (source.kind === 'config') return ` --config ${shellWord(source.file)}`;
  if (source.kind === 'pki') return ` --pki ${shellWord(source.dir)}`;
  return '';
}

/** Quotes a path for a POSIX shell or PowerShell when it holds anything but safe characters. */
export function shellWord(text: string): string {
  if (/^[\w@%+=:,./\\-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
