// The command table behind `cellfleet-agent`. Each command's module is loaded only when that
// command runs: `probe` never pays for the snapshot or action code, and `--version` loads no
// OPC UA code at all (issue 14: the agent's RSS budget).
import type { CliCommand, CliIO } from './cli-types.ts';
import { AGENT_ERROR_EXIT, AgentError } from './errors.ts';
import { PROBE_HOST_COMMAND } from './probe/isolate/messages.ts';
import { buildInfo, formatVersion } from './version.ts';

interface Command {
  readonly load: () => Promise<CliCommand>;
  readonly summary: string;
}

const COMMANDS: Record<string, Command> = {
  run: {
    load: async () => (await import('./run.ts')).runCommand,
    summary: 'run --config FILE        probe on a schedule and report to the hub',
  },
  enroll: {
    load: async () => (await import('./enroll/cli.ts')).enrollCommand,
    summary: "enroll --token T --hub URL --config FILE   exchange a one-time token for this agent's config",
  },
  probe: {
    load: async () => (await import('./probe/cli.ts')).probeCommand,
    summary: 'probe <opc.tcp-url>      walk the diagnosis ladder once and explain the result',
  },
  snapshot: {
    load: async () => (await import('./snapshot/cli.ts')).snapshotCommand,
    summary: 'snapshot <opc.tcp-url>   take a configuration snapshot (--json | --out FILE)',
  },
  trust: {
    load: async () => (await import('./trust/cli.ts')).trustCommand,
    summary: 'trust list|show|accept|reject   server certificates this agent refused or trusts',
  },
  service: {
    load: async () => (await import('./service/cli.ts')).serviceCommand,
    summary: 'service install|uninstall|status --config FILE   run at boot as a system service',
  },
};

const HELP = `cellfleet-agent — probe, diagnose and snapshot OPC UA servers; report to a Cellfleet hub

Commands:
${Object.values(COMMANDS)
  .map((c) => `  cellfleet-agent ${c.summary}`)
  .join('\n')}
  cellfleet-agent --version

Run "cellfleet-agent <command> --help" for a command's options.
Exit codes: 0 ok, 1 a diagnosed failure, 2 bad usage or config.
`;

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(formatVersion(buildInfo(), process.version));
    return 0;
  }
  // A probe host of the packaged executable (probe/isolate): serves until its agent goes.
  if (name === PROBE_HOST_COMMAND) {
    (await import('./probe/isolate/host.ts')).serveProbes({ memoryBudgetMb: Number(rest[0]) || 512 });
    return new Promise<number>(() => {});
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`cellfleet-agent: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    if (err instanceof AgentError) {
      io.stderr.write(`cellfleet-agent ${name}: ${err.message}\n`);
      return AGENT_ERROR_EXIT[err.code];
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`cellfleet-agent ${name}: ${(err as Error).message}\n`);
      return 2;
    }
    io.stderr.write(`cellfleet-agent ${name}: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
}
