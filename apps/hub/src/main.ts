// cellfleet-hub: the only place that reads argv and sets the exit code.
import { keysCommand } from './actions/index.ts';
import { auditCommand } from './audit/index.ts';
import { type CliIo, userCommand } from './auth/index.ts';
import { UsageError } from './cli/args.ts';
import { BROKER_CONFIG_HELP, brokerConfigCommand } from './cli/broker-config.ts';
import { ENROLL_HELP, enrollCommand } from './cli/enroll.ts';
import { SERVE_HELP, serveCommand } from './cli/serve.ts';
import { compareCommand } from './snapshots/index.ts';

const io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
const withIo = (run: (argv: readonly string[], io: CliIo) => Promise<number>) => (argv: readonly string[]) =>
  run(argv, io);

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number>; summary: string }> = {
  serve: { run: serveCommand, summary: SERVE_HELP.split('\n')[0]! },
  enroll: { run: enrollCommand, summary: ENROLL_HELP.split('\n')[0]! },
  'broker-config': { run: brokerConfigCommand, summary: BROKER_CONFIG_HELP.split('\n')[0]! },
  user: {
    run: withIo(userCommand),
    summary: 'cellfleet-hub user — add users with a role, list them, reset passwords, issue API tokens',
  },
  audit: {
    run: withIo(auditCommand),
    summary: 'cellfleet-hub audit — verify the hash-chained audit log, or export it',
  },
  compare: {
    run: (argv) => compareCommand(argv, { stdout: process.stdout, stderr: process.stderr }),
    summary: 'cellfleet-hub compare — sister-cell comparison report of a group (html, csv, md, json)',
  },
  keys: {
    run: withIo(keysCommand),
    summary: 'cellfleet-hub keys — list, stage, activate and retire action-signing keys',
  },
};

const HELP = `cellfleet-hub — the fleet hub for Cellfleet agents

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.summary}`)
  .join('\n')}

Run "cellfleet-hub <command> --help" for a command's options.
Exit codes: 0 ok, 1 failure, 2 bad usage.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`cellfleet-hub: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`cellfleet-hub ${name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`cellfleet-hub ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
