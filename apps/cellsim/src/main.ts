// `cellsim`: run one emulated cell from the command line (see README.md and --help).
// The only file that opens ports from argv, reads stdin and handles signals.
import { createInterface } from 'node:readline';
import { startCell } from './cell.ts';
import { parseCli, USAGE, UsageError } from './cli.ts';
import { commandSession, parseCommand } from './commands.ts';
import { routeLibraryLogs } from './library-logs.ts';

// node-opcua logs warnings on stdout; stdout belongs to the "listening" line and command answers
routeLibraryLogs((line) => process.stderr.write(`${line}\n`));

async function main(): Promise<number> {
  let request: ReturnType<typeof parseCli>;
  try {
    request = parseCli(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`cellsim: ${err.message}\nRun with --help for usage.`);
    return 2;
  }
  if (request.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const cell = await startCell(request.options);
  console.log(`cellsim: ${request.options.name} listening on ${cell.endpointUrl}`);

  const session = commandSession(cell);
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    void (async () => {
      try {
        const answer = await session.run(parseCommand(line));
        if (answer) console.log(`cellsim: ${answer}`);
      } catch (err) {
        console.log(`cellsim: error: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
  });

  return new Promise((resolve) => {
    const stop = (): void => {
      lines.close();
      cell.stop().then(
        () => resolve(0),
        (err: unknown) => {
          console.error('cellsim: stop failed', err);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('cellsim:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
