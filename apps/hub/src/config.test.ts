import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigFile, resolveHubConfig } from './config.ts';
import { UsageError } from './kernel/errors.ts';

const file = (text: string) => ({ name: 'hub.yaml', draft: parseConfigFile(text, 'hub.yaml') });

test('serve flags alone: the defaults a single hub starts with', () => {
  assert.deepEqual(resolveHubConfig({}, {}), {
    database: { sqlite: 'cellfleet-hub.db' },
    http: { host: '127.0.0.1', port: 8080 },
    broker: { mode: 'embedded', host: '127.0.0.1', port: 1883 },
  });
  const c = resolveHubConfig(
    {
      host: '0.0.0.0',
      'http-port': '0',
      'mqtt-tls-cert': 'c.pem',
      'mqtt-tls-key': 'k.pem',
      'redispatch-after': '5',
    },
    {},
  );
  assert.deepEqual(c.broker, {
    mode: 'embedded',
    host: '0.0.0.0',
    port: 8883,
    tls: { certFile: 'c.pem', keyFile: 'k.pem' },
  });
  assert.equal(c.http.port, 0);
  assert.equal(c.actions?.redispatchAfterMs, 5000);
});

test('PostgreSQL from the flag or CELLFLEET_PG_URL; an explicit --db wins over the variable', () => {
  const env = { CELLFLEET_PG_URL: 'postgres://hub@db/cellfleet' };
  assert.deepEqual(resolveHubConfig({}, env).database, { postgres: 'postgres://hub@db/cellfleet' });
  assert.deepEqual(resolveHubConfig({ db: 'x.db' }, env).database, { sqlite: 'x.db' });
  assert.throws(() => resolveHubConfig({ db: 'x.db', 'pg-url': 'postgres://h/d' }, {}), /alternatives/);
  assert.throws(() => resolveHubConfig({ 'pg-url': 'mysql://h/d' }, {}), /database/);
});

test('an external broker needs its user and password file; TLS flags go in pairs', () => {
  assert.throws(
    () => resolveHubConfig({ 'broker-url': 'mqtt://b:1883' }, {}),
    /--broker-user and --broker-password-file/,
  );
  assert.throws(() => resolveHubConfig({ 'mqtt-tls-cert': 'c.pem' }, {}), /go together/);
  const c = resolveHubConfig(
    {
      'broker-url': 'mqtts://b:8883',
      'broker-user': 'hub',
      'broker-password-file': 'p',
      'share-group': 'hub',
    },
    {},
  );
  assert.deepEqual(c.broker, {
    mode: 'external',
    url: 'mqtts://b:8883',
    username: 'hub',
    passwordFile: 'p',
    shareGroup: 'hub',
  });
});

test('a config file, with flags on top', () => {
  const f = file(`
database: { postgres: postgres://hub@db/cellfleet, poolMax: 20 }
http: { host: 0.0.0.0, port: 9000 }
broker: { mode: external, url: mqtt://broker:1883, username: hub, passwordFile: /etc/cellfleet/hub.password, shareGroup: hub }
actions: { redispatchAfterMs: 60000 }
logLevel: warn
`);
  const c = resolveHubConfig({ 'http-port': '9001', 'log-level': 'debug' }, {}, f);
  assert.deepEqual(c.database, { postgres: 'postgres://hub@db/cellfleet', poolMax: 20 });
  assert.deepEqual(c.http, { host: '0.0.0.0', port: 9001 });
  assert.equal(c.broker.mode, 'external');
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.actions?.redispatchAfterMs, 60000);
});

test('a misspelled key is refused with its path, never ignored', () => {
  const refused = (text: string, pattern: RegExp) =>
    assert.throws(
      () => resolveHubConfig({}, {}, file(text)),
      (err: unknown) => err instanceof UsageError && pattern.test(err.message),
      text,
    );
  refused('logLevl: debug', /hub\.yaml.*logLevl is not a known field/);
  refused('http: { host: 127.0.0.1, prot: 80 }', /http\.prot is not a known field/);
  refused('broker: { mode: embedded, host: h, port: 1, tsl: {} }', /broker\.tsl is not a known field/);
  refused('http: { host: 127.0.0.1, port: 70000 }', /http\.port/);
  assert.throws(() => parseConfigFile('http: [', 'bad.yaml'), /bad\.yaml: not valid YAML/);
  assert.throws(() => parseConfigFile('- a\n- b', 'list.yaml'), /list\.yaml: must be a mapping/);
});

test('HTTPS from the flags or the file; trustProxy only from the file, off by default', () => {
  assert.equal(resolveHubConfig({}, {}).http.trustProxy, undefined);
  assert.throws(
    () => resolveHubConfig({ 'http-tls-cert': 'c.pem' }, {}),
    /--http-tls-cert and --http-tls-key/,
  );
  const flags = resolveHubConfig({ 'http-tls-cert': 'c.pem', 'http-tls-key': 'k.pem' }, {});
  assert.deepEqual(flags.http, {
    host: '127.0.0.1',
    port: 8080,
    tls: { certFile: 'c.pem', keyFile: 'k.pem' },
  });
  const f = file(`
http:
  host: 0.0.0.0
  port: 8443
  tls: { certFile: /etc/cellfleet/hub.crt, keyFile: /etc/cellfleet/hub.key }
  trustProxy: [127.0.0.1, 10.1.0.0/16]
`);
  assert.deepEqual(resolveHubConfig({}, {}, f).http, {
    host: '0.0.0.0',
    port: 8443,
    tls: { certFile: '/etc/cellfleet/hub.crt', keyFile: '/etc/cellfleet/hub.key' },
    trustProxy: ['127.0.0.1', '10.1.0.0/16'],
  });
  const refused = (text: string, pattern: RegExp) =>
    assert.throws(() => resolveHubConfig({}, {}, file(text)), pattern, text);
  refused(
    'http: { host: h, port: 1, tls: { certFile: c, keyFile: k, caFile: x } }',
    /http\.tls\.caFile is not a known field/,
  );
  refused('http: { host: h, port: 1, trustProxy: [proxy.example] }', /http\.trustProxy/);
  refused('http: { host: h, port: 1, trustProxy: yes please }', /http\.trustProxy/);
});

test('logs, metrics and notifications: flags on top of the file, bad values refused by name', () => {
  const f = file(`
log: { format: pretty, file: /var/log/cellfleet/hub.log, rotateSize: 50M, maxFiles: 4 }
metrics: { listen: 10.0.0.5:9464 }
notifications: { publicUrl: https://hub.plant1.example, settleMs: 60000 }
`);
  const c = resolveHubConfig({ 'log-format': 'json', 'metrics-listen': '[::1]:9465' }, {}, f);
  assert.deepEqual(c.log, {
    format: 'json',
    file: '/var/log/cellfleet/hub.log',
    rotateSize: '50M',
    maxFiles: 4,
  });
  assert.deepEqual(c.metrics, { listen: '[::1]:9465' });
  assert.equal(c.notifications?.publicUrl, 'https://hub.plant1.example');
  assert.deepEqual(resolveHubConfig({ 'log-file': 'hub.log' }, {}).log, { file: 'hub.log' });
  assert.throws(() => resolveHubConfig({ 'log-format': 'xml' }, {}), /log\.format/);
  assert.throws(() => resolveHubConfig({ 'metrics-listen': '9464' }, {}), /metrics\.listen/);
  assert.throws(() => resolveHubConfig({}, {}, file('log: { rotateSize: huge }')), /log\.rotateSize/);
  assert.throws(
    () => resolveHubConfig({}, {}, file('notifications: { settle: 1 }')),
    /notifications\.settle is not a known field/,
  );
});
