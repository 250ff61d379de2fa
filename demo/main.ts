// npm run demo: the whole product on one machine. Prints the URL to open.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { routeLibraryLogs } from '@cellfleet/cellsim';
import pino from 'pino';
import { DEMO_CELLS, startDemoFleet } from './fleet.ts';

const HELP = `npm run demo [-- --http-port N] [--mqtt-port N] [--data DIR]

Starts a hub (embedded MQTT broker + SQLite) and ${DEMO_CELLS.length} emulated OPC UA cells (Kepware, Ignition,
FactoryTalk, WinCC) in four sister groups, each with its own agent, then prints the URL to open. Ctrl-C stops everything.
Defaults: --http-port 8080, --mqtt-port 1883 (0 picks free ports), --data .data/demo (wiped at start).
`;

const { values } = parseArgs({
  options: {
    'http-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
    data: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const port = (name: string, v: string | undefined, d: number) => {
  const n = Number(v ?? d);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`demo: --${name} must be a port number (0-65535), got "${v}"\n`);
    process.exit(2);
  }
  return n;
};

const dataDir = values.data ?? join('.data', 'demo');
// The emulated servers' own warnings (a strict cell refusing a client, each time) go to a file:
// the terminal is for the URL and sign-ins. The fleet wipes dataDir before any server starts.
const serverLog = join(dataDir, 'emulated-servers.log');
routeLibraryLogs((line) => {
  try {
    appendFileSync(serverLog, `${line}\n`);
  } catch {
    // dataDir not made yet (the fleet is starting): such a line is not worth a crash
  }
});

const started = Date.now();
const fleet = await startDemoFleet({
  dataDir,
  httpPort: port('http-port', values['http-port'], 8080),
  mqttPort: port('mqtt-port', values['mqtt-port'], 1883),
  logger: pino({ level: 'warn', base: { svc: 'demo' } }),
  onProgress: (line) => process.stdout.write(`  ${line}\n`),
}).catch((err: Error) => {
  process.stderr.write(`demo: ${err.message}\n`);
  if (/EADDRINUSE/.test(err.message))
    process.stderr.write('demo: a port is taken; try --http-port 0 --mqtt-port 0\n');
  process.exit(1);
});

process.stdout.write(
  `\nCellfleet demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s.\n\n` +
    `  Open:  ${fleet.hub.httpUrl}/\n  API:   ${fleet.hub.httpUrl}/api/cells   (OpenAPI: ${fleet.hub.httpUrl}/api/openapi.json)\n\n` +
    `  Sign in as one of (passwords are new each run):\n${fleet.users.map((u) => `    ${u.role.padEnd(9)} ${u.name.padEnd(5)} ${u.password}`).join('\n')}\n\n` +
    `  Try:   curl -H 'authorization: Bearer ${fleet.users[3]?.token}' ${fleet.hub.httpUrl}/api/cells\n` +
    `         curl -H 'authorization: Bearer ${fleet.users[3]?.token}' ${fleet.hub.httpUrl}/metrics   (Prometheus; docs/operations.md)\n\n` +
    'A maintenance window is open now; erin proposes aligning press-04 with its sisters once its snapshot is in.\n' +
    'Changes lists that proposal (approve it as alex: its run and the drift it causes follow); Certificates lists\n' +
    'every server and agent certificate the agents saw, with the expiry forecast and a CSV download.\n' +
    `Agents probe every 30 s. The emulated servers' own log: ${serverLog}. Ctrl-C to stop.\n`,
);
void fleet.seedExample().then(
  () => {},
  (err: Error) => process.stdout.write(`  example: not proposed (${err.message})\n`),
);
const stop = async () => {
  process.stdout.write('\nstopping…\n');
  await fleet.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
