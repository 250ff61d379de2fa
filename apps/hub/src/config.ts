// The hub's configuration from the command line and, optionally, a YAML file
// (`serve --config hub.yaml`): the file first, then each flag given on top of it, then one
// check against the HubConfig schema (packages/protocol/src/hub-config.ts). Every problem is
// refused before anything starts, naming the file or flag and the field.
import { parseLogFlags } from '@cellfleet/logs';
import { compileChecker, type HubConfig, HubConfig as HubConfigSchema } from '@cellfleet/protocol';
import { parseDocument } from 'yaml';
import { DEFAULT_DB } from './db/open.ts';
import { intFlag } from './kernel/cli.ts';
import { UsageError } from './kernel/errors.ts';

/** The `serve` flags that set configuration (see SERVE_HELP in serve.ts). */
export interface ServeFlags {
  readonly db?: string | undefined;
  readonly 'pg-url'?: string | undefined;
  readonly host?: string | undefined;
  readonly 'http-port'?: string | undefined;
  readonly 'http-tls-cert'?: string | undefined;
  readonly 'http-tls-key'?: string | undefined;
  readonly 'mqtt-port'?: string | undefined;
  readonly 'mqtt-tls-cert'?: string | undefined;
  readonly 'mqtt-tls-key'?: string | undefined;
  readonly 'broker-url'?: string | undefined;
  readonly 'broker-user'?: string | undefined;
  readonly 'broker-password-file'?: string | undefined;
  readonly 'broker-ca'?: string | undefined;
  readonly 'share-group'?: string | undefined;
  readonly 'redispatch-after'?: string | undefined;
  readonly 'agent-builds-dir'?: string | undefined;
  readonly 'log-level'?: string | undefined;
  readonly 'log-format'?: string | undefined;
  readonly 'log-file'?: string | undefined;
  readonly 'metrics-listen'?: string | undefined;
}

const checker = compileChecker<HubConfig>(HubConfigSchema);

type Draft = Record<string, unknown> & {
  http?: Record<string, unknown>;
  broker?: Record<string, unknown>;
  actions?: Record<string, unknown>;
};

/** A YAML config file's text → a draft; `file` names it in errors. */
export function parseConfigFile(text: string, file: string): Draft {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new UsageError(`${file}: not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`${file}: must be a mapping of settings`);
  return raw as Draft;
}

/** Flags on top of the file's settings, then the schema check. */
export function resolveHubConfig(
  flags: ServeFlags,
  env: Readonly<Record<string, string | undefined>>,
  file?: { readonly name: string; readonly draft: Draft },
): HubConfig {
  const c: Draft = structuredClone(file?.draft ?? {});
  if (flags.db !== undefined && flags['pg-url'] !== undefined)
    throw new UsageError('--db and --pg-url are alternatives: give one of them');
  const pgUrl =
    flags['pg-url'] ??
    (flags.db === undefined && c['database'] === undefined ? env['CELLFLEET_PG_URL'] : undefined);
  if (flags.db !== undefined) c['database'] = { sqlite: flags.db };
  else if (pgUrl) c['database'] = { postgres: pgUrl };
  c['database'] ??= { sqlite: DEFAULT_DB };

  const host = flags.host ?? (c.http?.['host'] as string | undefined) ?? '127.0.0.1';
  c.http = { host, port: 8080, ...c.http, ...(flags.host ? { host } : {}) };
  if (flags['http-port'] !== undefined) c.http['port'] = intFlag('http-port', flags['http-port'], 8080);
  const httpCert = flags['http-tls-cert'];
  const httpKey = flags['http-tls-key'];
  if (Boolean(httpCert) !== Boolean(httpKey))
    throw new UsageError('--http-tls-cert and --http-tls-key go together');
  if (httpCert && httpKey) c.http['tls'] = { certFile: httpCert, keyFile: httpKey };

  const cert = flags['mqtt-tls-cert'];
  const key = flags['mqtt-tls-key'];
  if (Boolean(cert) !== Boolean(key)) throw new UsageError('--mqtt-tls-cert and --mqtt-tls-key go together');
  if (flags['broker-url']) {
    if (!flags['broker-user'] || !flags['broker-password-file'])
      throw new UsageError('--broker-url needs --broker-user and --broker-password-file');
    c.broker = {
      mode: 'external',
      url: flags['broker-url'],
      username: flags['broker-user'],
      passwordFile: flags['broker-password-file'],
      ...(flags['broker-ca'] ? { caFile: flags['broker-ca'] } : {}),
      ...(flags['share-group'] ? { shareGroup: flags['share-group'] } : {}),
    };
  } else if (c.broker === undefined || c.broker['mode'] === 'embedded') {
    const tls = cert && key ? { certFile: cert, keyFile: key } : c.broker?.['tls'];
    c.broker = {
      mode: 'embedded',
      ...c.broker,
      host: flags.host ?? (c.broker?.['host'] as string | undefined) ?? host,
      port: intFlag(
        'mqtt-port',
        flags['mqtt-port'],
        (c.broker?.['port'] as number | undefined) ?? (tls ? 8883 : 1883),
      ),
      ...(tls ? { tls } : {}),
    };
  }
  if (flags['redispatch-after'] !== undefined)
    c.actions = {
      ...c.actions,
      redispatchAfterMs: intFlag('redispatch-after', flags['redispatch-after'], 30, 1, 86_400) * 1000,
    };
  if (flags['agent-builds-dir'] !== undefined)
    c.actions = { ...c.actions, agentBuildsDir: flags['agent-builds-dir'] };
  if (flags['log-level'] !== undefined) c['logLevel'] = flags['log-level'];
  const log = parseLogFlags(flags, c['log'] as Record<string, unknown> | undefined);
  if (log) c['log'] = log;
  if (flags['metrics-listen'] !== undefined)
    c['metrics'] = { ...(c['metrics'] as object | undefined), listen: flags['metrics-listen'] };

  if (!checker.check(c)) {
    const where = file ? `${file.name} (with the flags given)` : 'the serve flags';
    throw new UsageError(
      `${where}: ${checker
        .issues(c)
        .map((i) => `${i.field} ${i.reason}`)
        .join('; ')}`,
    );
  }
  return c;
}
