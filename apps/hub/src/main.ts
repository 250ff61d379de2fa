// cellfleet-hub: the only file that touches the process — argv, the environment, the streams,
// signals and the exit code. Every command is a function of (argv, io) in its feature folder.
import { COMMANDS } from './commands.ts';
import { type CliIo, runCommand } from './kernel/cli.ts';
import { EXIT } from './kernel/errors.ts';

const io: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  now: Date.now,
  env: process.env,
  stopped: () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }),
};

const HELP = `cellfleet-hub — the fleet hub for Cellfleet agents

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`)
  .join('\n')}

Run "cellfleet-hub <command> --help" for a command's options.
Exit codes: 0 ok, 1 failure, 2 bad usage.
`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`cellfleet-hub: unknown command "${name}"\n\n${HELP}`);
    return EXIT.usage;
  }
  return runCommand(name, command.run, rest, io);
}

process.exitCode = await main(process.argv.slice(2));
