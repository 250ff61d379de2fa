// `cellfleet-hub serve`: the command line → the hub's configuration → a running hub.
import { readFileSync } from 'node:fs';
import { createLogger } from '@cellfleet/logs';
import { createFailpoints, FAILPOINTS_ENV } from './actions/failpoints.ts';
import { parseConfigFile, resolveHubConfig } from './config.ts';
import { DATABASE_FLAGS } from './db/cli.ts';
import { startHub } from './hub.ts';
import { type CliIo, parse } from './kernel/cli.ts';
import { UsageError } from './kernel/errors.ts';

export const SERVE_HELP = `cellfleet-hub serve — run the hub: MQTT broker (embedded) or link (external), ingest, HTTP API

Usage:
  cellfleet-hub serve [--db FILE] [--host ADDR] [--http-port N] [--mqtt-port N]
  cellfleet-hub serve --broker-url mqtt://broker:1883 --broker-user U --broker-password-file F [--share-group G]
                      --pg-url postgres://cellfleet@db/cellfleet

Options:
  --config FILE             settings from a YAML file (docs/deploy.md shows every key); flags
                            given as well override the file's values. Unknown keys are refused.
  --db FILE                 SQLite database (default ./cellfleet-hub.db): one hub, embedded broker
  --host ADDR               address to bind the HTTP API and embedded broker (default 127.0.0.1;
                            use 0.0.0.0 to accept agents from other hosts, behind TLS or a VPN)
  --http-port N             HTTP API port (default 8080; 0 picks a free port)
  --http-tls-cert FILE      serve the API and UI over HTTPS with this PEM certificate (chain)
  --http-tls-key FILE       … and this PEM private key (docs/security.md has a reverse-proxy
                            recipe instead; behind one, set http.trustProxy in --config)
  --mqtt-port N             embedded broker port (default 1883; 0 picks a free port)
  --mqtt-tls-cert FILE      serve the embedded broker over TLS (mqtts://) with this PEM certificate
  --mqtt-tls-key FILE       … and this PEM private key (agents set hub.caFile to the CA)
  --broker-url URL          use an external broker (mqtt:// or mqtts://) instead of the embedded one
  --broker-user U           the hub's username on the external broker
  --broker-password-file F  file holding the hub's password on the external broker
  --broker-ca FILE          CA certificate (PEM) for an mqtts:// broker
  --share-group G           consume through MQTT shared subscriptions ($share/G/...) so several
                            hub replicas split the ingest
  --pg-url URL              keep everything in PostgreSQL instead of --db (or set CELLFLEET_PG_URL):
                            replicas with the same URL and --share-group are interchangeable —
                            any serves the API, UI and live updates, and actions go out once.
                            Keep the password in ~/.pgpass or PGPASSWORD, not in the URL
                            (docs/deploy.md)
  --redispatch-after S      send a dispatched action again when its agent has not answered after
                            S seconds and the window is still open (default 30; the agent runs
                            an action id once and answers repeats with its stored result)
  --agent-builds-dir DIR    signed agent builds for the upgrade-agent action (default: agent-builds
                            beside the SQLite database; give one every replica sees with --pg-url)
  --log-level L             debug | info | warn | error (default info)
  --log-format F            json (default: one JSON object a line, for a log collector) or pretty
                            (for a terminal)
  --log-file PATH           also write JSON lines to PATH, rotated at 10 MB, 10 files kept
                            (config: log.rotateSize, log.rotateInterval, log.maxFiles)
  --metrics-listen H:P      also serve GET /metrics on this address (same tokens as the API; a
                            user with the metrics role, or any role). GET /metrics on the API
                            port works either way (docs/operations.md)
`;

export async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parse(argv, {
    ...DATABASE_FLAGS,
    config: { type: 'string' },
    host: { type: 'string' },
    'http-port': { type: 'string' },
    'http-tls-cert': { type: 'string' },
    'http-tls-key': { type: 'string' },
    'mqtt-port': { type: 'string' },
    'mqtt-tls-cert': { type: 'string' },
    'mqtt-tls-key': { type: 'string' },
    'broker-url': { type: 'string' },
    'broker-user': { type: 'string' },
    'broker-password-file': { type: 'string' },
    'broker-ca': { type: 'string' },
    'share-group': { type: 'string' },
    'log-level': { type: 'string' },
    'log-format': { type: 'string' },
    'log-file': { type: 'string' },
    'metrics-listen': { type: 'string' },
    'redispatch-after': { type: 'string' },
    'agent-builds-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    io.stdout(SERVE_HELP);
    return 0;
  }
  const file =
    v.config === undefined
      ? undefined
      : { name: v.config, draft: parseConfigFile(readText(v.config), v.config) };
  const config = resolveHubConfig(v, io.env, file);
  const logs = createLogger({ service: 'hub', level: config.logLevel, config: config.log });
  const logger = logs.logger;
  const hub = await startHub(config, {
    logger,
    now: io.now,
    failpoint: createFailpoints(io.env[FAILPOINTS_ENV]),
  });
  logger.info({ http: hub.httpUrl, mqtt: hub.mqttUrl, metrics: hub.metricsUrl }, 'hub ready');
  const metrics = hub.metricsUrl ? `  metrics ${hub.metricsUrl}/metrics` : '';
  io.stdout(`cellfleet-hub: API ${hub.httpUrl}/api/cells  broker ${hub.mqttUrl}${metrics}\n`);
  await io.stopped();
  await hub.stop();
  await logs.close();
  return 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${file}: ${(err as Error).message}`, { field: 'config' });
  }
}
