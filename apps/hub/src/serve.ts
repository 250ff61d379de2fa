// `cellfleet-hub serve`: the command line → the hub's configuration → a running hub.
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { type BrokerConfig, startHub } from './app.ts';
import { DATABASE_FLAGS, databaseChoice } from './db/cli.ts';
import { type CliIo, intFlag, parse } from './kernel/cli.ts';
import { UsageError } from './kernel/errors.ts';

export const SERVE_HELP = `cellfleet-hub serve — run the hub: MQTT broker (embedded) or link (external), ingest, HTTP API

Usage:
  cellfleet-hub serve [--db FILE] [--host ADDR] [--http-port N] [--mqtt-port N]
  cellfleet-hub serve --broker-url mqtt://broker:1883 --broker-user U --broker-password-file F [--share-group G]
                      --pg-url postgres://cellfleet@db/cellfleet

Options:
  --db FILE                 SQLite database (default ./cellfleet-hub.db): one hub, embedded broker
  --host ADDR               address to bind the HTTP API and embedded broker (default 127.0.0.1;
                            use 0.0.0.0 to accept agents from other hosts, behind TLS or a VPN)
  --http-port N             HTTP API port (default 8080; 0 picks a free port)
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
  --log-level L             debug | info | warn | error (default info)
`;

export async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parse(argv, {
    ...DATABASE_FLAGS,
    host: { type: 'string' },
    'http-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
    'mqtt-tls-cert': { type: 'string' },
    'mqtt-tls-key': { type: 'string' },
    'broker-url': { type: 'string' },
    'broker-user': { type: 'string' },
    'broker-password-file': { type: 'string' },
    'broker-ca': { type: 'string' },
    'share-group': { type: 'string' },
    'log-level': { type: 'string' },
    'redispatch-after': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    io.stdout(SERVE_HELP);
    return 0;
  }
  const host = v.host ?? '127.0.0.1';
  const certFile = v['mqtt-tls-cert'];
  const keyFile = v['mqtt-tls-key'];
  if (Boolean(certFile) !== Boolean(keyFile))
    throw new UsageError('--mqtt-tls-cert and --mqtt-tls-key go together');
  let broker: BrokerConfig = {
    mode: 'embedded',
    host,
    port: intFlag('mqtt-port', v['mqtt-port'], certFile ? 8883 : 1883),
    ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
  };
  if (v['broker-url']) {
    if (!v['broker-user'] || !v['broker-password-file']) {
      throw new UsageError('--broker-url needs --broker-user and --broker-password-file');
    }
    broker = {
      mode: 'external',
      url: v['broker-url'],
      username: v['broker-user'],
      password: readFileSync(v['broker-password-file'], 'utf8').trim(),
      ...(v['broker-ca'] ? { caFile: v['broker-ca'] } : {}),
      ...(v['share-group'] ? { shareGroup: v['share-group'] } : {}),
    };
  }
  const logger = pino({ level: v['log-level'] ?? 'info', base: { svc: 'hub' } });
  const hub = await startHub({
    ...databaseChoice(v, io.env),
    ...(v['redispatch-after'] === undefined
      ? {}
      : {
          actionPolicy: {
            redispatchAfterMs: intFlag('redispatch-after', v['redispatch-after'], 30, 1, 86_400) * 1000,
          },
        }),
    broker,
    http: { host, port: intFlag('http-port', v['http-port'], 8080) },
    logger,
  });
  logger.info({ http: hub.httpUrl, mqtt: hub.mqttUrl }, 'hub ready');
  io.stdout(`cellfleet-hub: API ${hub.httpUrl}/api/cells  broker ${hub.mqttUrl}\n`);
  await io.stopped();
  await hub.stop();
  return 0;
}
