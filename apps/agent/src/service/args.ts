// Arguments of `cellfleet-agent service install|uninstall|status`.
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AgentError } from '../errors.ts';

export const SERVICE_ACTIONS = ['install', 'uninstall', 'status'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export interface ServiceArgs {
  readonly help: boolean;
  readonly action: ServiceAction;
  readonly config?: string;
  /** Prefix for every path written or read; `/` is the real system. */
  readonly root: string;
  /** The executable to install; default: this packaged executable. */
  readonly binary?: string;
  readonly start: boolean;
  readonly purge: boolean;
}

export function parseServiceArgs(argv: readonly string[]): ServiceArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      root: { type: 'string' },
      binary: { type: 'string' },
      'no-start': { type: 'boolean' },
      purge: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const help = values.help ?? false;
  const [action, ...rest] = positionals;
  if (!help && !(SERVICE_ACTIONS as readonly string[]).includes(action ?? '')) {
    throw new AgentError(
      'usage',
      `expected install, uninstall or status, got ${action ?? 'nothing'} (see --help)`,
    );
  }
  if (rest.length > 0) throw new AgentError('usage', `unexpected argument ${rest.join(' ')}`);
  if (action === 'install' && !values.config && !help) {
    throw new AgentError(
      'usage',
      'service install needs --config FILE (the config "cellfleet-hub enroll" printed)',
    );
  }
  const root = values.root ?? '/';
  if (!isAbsolute(root)) throw new AgentError('usage', `--root ${root}: expected an absolute path`);
  return {
    help,
    action: (action ?? 'status') as ServiceAction,
    ...(values.config ? { config: resolve(values.config) } : {}),
    root,
    ...(values.binary ? { binary: resolve(values.binary) } : {}),
    start: !values['no-start'],
    purge: values.purge ?? false,
  };
}
