// cellfleet-agent: the only place that reads argv and sets the exit code.

import type { CliCommand } from './cli-types.ts';
import { AGENT_ERROR_EXIT, AgentError } from './errors.ts';
import { probeCommand, trustCommand } from './probe/index.ts';
import { runCommand } from './run.ts';
import { snapshotCommand } from './snapshot/cli.ts';

const COMMANDS: Record<string, { run: CliCommand; summary: string }> = {
  run: { run: runCommand, summary: 'run --config FILE        probe on a schedule and report to the hub' },
  probe: {
    run: probeCommand,
    summary: 'probe <opc.tcp-url>      walk the diagnosis ladder once and explain the result',
  },
  snapshot: {
    run: snapshotCommand,
    summary: 'snapshot <opc.tcp-url>   take a configuration snapshot (--json | --out FILE)',
  },
  trust: {
    run: trustCommand,
    summary: 'trust [list | <thumb>]   list rejected server certificates, or trust one',
  },
};

const HELP = `cellfleet-agent — probe, diagnose and snapshot OPC UA servers; report to a Cellfleet hub

Commands:
${Object.values(COMMANDS)
  .map((c) => `  cellfleet-agent ${c.summary}`)
  .join('\n')}

Run "cellfleet-agent <command> --help" for a command's options.
Exit codes: 0 ok, 1 a diagnosed failure, 2 bad usage or config.
`;

async function main(argv: string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`cellfleet-agent: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
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

process.exitCode = await main(process.argv.slice(2));
