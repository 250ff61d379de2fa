// cellfleet-hub: the only place that reads argv and sets the exit code.
import { UsageError } from './cli/args.ts';
import { BROKER_CONFIG_HELP, brokerConfigCommand } from './cli/broker-config.ts';
import { ENROLL_HELP, enrollCommand } from './cli/enroll.ts';
import { SERVE_HELP, serveCommand } from './cli/serve.ts';

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number>; help: string }> = {
  serve: { run: serveCommand, help: SERVE_HELP },
  enroll: { run: enrollCommand, help: ENROLL_HELP },
  'broker-config': { run: brokerConfigCommand, help: BROKER_CONFIG_HELP },
};

const HELP = `cellfleet-hub — the fleet hub for Cellfleet agents

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.help.split('\n')[0]}`)
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
