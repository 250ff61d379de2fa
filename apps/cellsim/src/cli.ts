import { parseArgs } from 'node:util';
import { FAULT_CATALOGUE, isFault } from './faults.ts';
import { createCellState } from './state.ts';
import { CELL_KINDS, type CellKind, type CellOptions, type Fault, type ParameterValue } from './types.ts';
import { PROFILES } from './vendors/index.ts';

// Command line of `cellsim`: pure parsing and validation. Errors name the flag and the value,
// and main.ts turns them into exit code 2.

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: cellsim --kind ${CELL_KINDS.join('|')} [options]

Starts one emulated OPC UA cell and prints "cellsim: <name> listening on <url>" first.

Options:
  --kind K               ${CELL_KINDS.join(' | ')} (required)
  --name N               cell name, e.g. press-01 (default: <kind>-01)
  --port P               public port, 0 = pick a free one (default 0); 'default' = the
                         vendor's documented port (${defaultPorts()})
  --host H               bind address (default 127.0.0.1)
  --fault F              start with fault F; repeatable
  --software-version V   BuildInfo.SoftwareVersion
  --build-number B       BuildInfo.BuildNumber
  --param path=value     override a parameter tag; repeatable
  --user name=password   accept this user (default operator=operator-pass); repeatable
  --omit PATH            leave out a tag, group or device (drift); repeatable
  --clock-skew-ms MS     skew under clock-skew (default 900000 = 15 min)
  --extra-nodes N        add N extra config variables
  --cyclic-reference     add an Organizes cycle in the config subtree
  --pki-dir DIR          server PKI folder (default: a temp dir, removed on exit)
  --help                 this text

Commands on stdin, one per line (answers on stdout):
  fault add F...  |  fault remove F...  |  fault set F...  |  fault clear  |  faults
  set <path> <value>  |  get <path>  |  trust-rejected  |  help

Faults:
${Object.entries(FAULT_CATALOGUE)
  .map(([f, what]) => `  ${f.padEnd(29)}${what}`)
  .join('\n')}
`;

export type CliRequest = { kind: 'help' } | { kind: 'run'; options: CellOptions };

function integer(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`${flag}: expected a whole number ${min}-${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function pairs(flag: string, values: string[] | undefined): [string, string][] {
  return (values ?? []).map((v) => {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag}: expected key=value, got ${JSON.stringify(v)}`);
    return [v.slice(0, i), v.slice(i + 1)];
  });
}

function defaultPorts(): string {
  return CELL_KINDS.flatMap((k) => {
    const p = PROFILES[k].defaultPort;
    return p === undefined ? [] : [`${k} ${p}`];
  }).join(', ');
}

function port(kind: CellKind, value: string | undefined): number {
  if (value !== 'default') return integer('--port', value, 0, 65535) ?? 0;
  const p = PROFILES[kind].defaultPort;
  if (p === undefined) throw new UsageError(`--port default: no documented default port for --kind ${kind}`);
  return p;
}

export function parseCli(argv: string[]): CliRequest {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return { kind: 'help' };
  const kind = values.kind;
  if (!kind || !CELL_KINDS.includes(kind as CellKind)) {
    throw new UsageError(
      `--kind: expected one of ${CELL_KINDS.join(', ')}, got ${JSON.stringify(kind ?? '')}`,
    );
  }
  const faults: Fault[] = (values.fault ?? []).map((f) => {
    if (!isFault(f)) throw new UsageError(`--fault: unknown fault ${JSON.stringify(f)} (see --help)`);
    return f;
  });
  const users = pairs('--user', values.user);
  const options: CellOptions = {
    kind: kind as CellKind,
    name: values.name ?? `${kind}-01`,
    port: port(kind as CellKind, values.port),
    faults,
    parameters: Object.fromEntries(pairs('--param', values.param)) as Record<string, ParameterValue>,
    ...(values.host ? { host: values.host } : {}),
    ...(values['software-version'] ? { softwareVersion: values['software-version'] } : {}),
    ...(values['build-number'] ? { buildNumber: values['build-number'] } : {}),
    ...(users.length > 0 ? { users: Object.fromEntries(users) } : {}),
    ...(values.omit ? { omitTags: values.omit } : {}),
    ...(values['clock-skew-ms']
      ? { clockSkewMs: integer('--clock-skew-ms', values['clock-skew-ms'], 0, 365 * 86_400_000) ?? 0 }
      : {}),
    ...(values['extra-nodes']
      ? { extraNodes: integer('--extra-nodes', values['extra-nodes'], 0, 10_000_000) ?? 0 }
      : {}),
    ...(values['cyclic-reference'] ? { cyclicReference: true } : {}),
    ...(values['pki-dir'] ? { pkiDir: values['pki-dir'] } : {}),
  };
  try {
    createCellState(PROFILES[options.kind], options); // validates --param paths and values
  } catch (err) {
    throw new UsageError(`--param: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { kind: 'run', options };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'software-version': { type: 'string' },
      'build-number': { type: 'string' },
      param: { type: 'string', multiple: true },
      user: { type: 'string', multiple: true },
      omit: { type: 'string', multiple: true },
      'clock-skew-ms': { type: 'string' },
      'extra-nodes': { type: 'string' },
      'cyclic-reference': { type: 'boolean' },
      'pki-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
}
