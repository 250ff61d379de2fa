// The agent's token exchange against a real HTTPS server with a self-signed certificate (made
// by openssl, as a site would make one): a pinned fingerprint or the CA file lets the token
// through; a wrong pin, or neither, stops the connection before the token is sent. What it
// writes is the agent's config, mode 0600, and nothing is left behind when it fails.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseConfig } from '../config/load.ts';
import { startTlsServer, type TestTlsServer } from '../link/tls-server.test-support.ts';
import { enrollAgent } from './cli.ts';
import { exchangeEnrollToken, normalizeFingerprint, parseHubUrl } from './exchange.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-enroll-'));
let tls: TestTlsServer;
let certFile = '';
let fingerprint = '';
let server: Server;
let hub = '';
const received: string[] = [];
let answer: unknown;

const CONFIG = {
  id: 'plant1.lineA.press-03',
  config: {
    identity: { site: 'plant1', line: 'lineA', cell: 'press-03', sisterGroup: 'presses' },
    hub: { url: 'mqtts://hub.plant1:8883', username: 'plant1.lineA.press-03', password: 's'.repeat(43) },
    endpoints: [{ name: 'kepware', url: 'opc.tcp://10.0.0.3:49320' }],
  },
};

before(async () => {
  tls = await startTlsServer(dir, (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  server = tls.server;
  hub = tls.url;
  fingerprint = tls.fingerprint;
  certFile = tls.certFile;
});
after(async () => {
  await tls.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a pinned fingerprint: the token goes out, the config comes back and is written 0600', async () => {
  answer = CONFIG;
  received.length = 0;
  const config = join(dir, 'pinned.yaml');
  const id = await enrollAgent({ token: 'cfe_pinned', hub, config, fingerprint: fingerprint.toLowerCase() });
  assert.equal(id, CONFIG.id);
  assert.deepEqual(received, ['POST /api/enroll {"token":"cfe_pinned"}']);
  assert.equal(statSync(config).mode & 0o777, 0o600);
  const parsed = parseConfig(readFileSync(config, 'utf8'), config);
  assert.deepEqual(parsed.identity, CONFIG.config.identity);
  assert.equal(parsed.hub.password, CONFIG.config.hub.password);
});

test('the CA file verifies the hub as well', async () => {
  answer = CONFIG;
  const r = await exchangeEnrollToken({ hub, token: 'cfe_ca', caFile: certFile });
  assert.equal(r.id, CONFIG.id);
});

test('a wrong pin, or no pin and no CA, stops before the token is sent', async () => {
  answer = CONFIG;
  received.length = 0;
  const wrong = `${'AB:'.repeat(31)}AB`;
  await assert.rejects(exchangeEnrollToken({ hub, token: 'cfe_x', fingerprint: wrong }), (e: Error) =>
    e.message.includes(`not the pinned ${wrong.replaceAll(':', '')}`),
  );
  await assert.rejects(exchangeEnrollToken({ hub, token: 'cfe_y' }), /self-signed|self signed/);
  assert.deepEqual(received, [], 'the server never saw a request');
});

test("a refusal names the hub's reason; a malformed answer is refused; neither leaves a file", async () => {
  const config = join(dir, 'refused.yaml');
  answer = { code: 'forbidden', message: 'the enrollment token has expired' };
  server.removeAllListeners('request');
  server.on('request', (_req, res) =>
    res
      .writeHead(answer === CONFIG ? 200 : 403, { 'content-type': 'application/json' })
      .end(JSON.stringify(answer)),
  );
  await assert.rejects(
    enrollAgent({ token: 'cfe_old', hub, config, fingerprint }),
    /refused the enrollment \(403\): the enrollment token has expired/,
  );
  answer = { id: 'x', config: { identity: {} } };
  server.removeAllListeners('request');
  server.on('request', (_req, res) => res.writeHead(200).end(JSON.stringify(answer)));
  await assert.rejects(
    enrollAgent({ token: 'cfe_bad', hub, config, fingerprint }),
    /answer is malformed: answer\.config/,
  );
  assert.equal(existsSync(config), false);
  assert.deepEqual(
    readdir().filter((f) => f.startsWith('refused')),
    [],
    'no temporary file left',
  );
});

test('an existing config, plain http to another host and a malformed pin are usage errors', async () => {
  const config = join(dir, 'exists.yaml');
  writeFileSync(config, 'x');
  await assert.rejects(enrollAgent({ token: 'cfe_z', hub, config }), { code: 'usage' });
  assert.throws(() => parseHubUrl('http://10.1.2.3:8080'), { code: 'usage' });
  assert.equal(parseHubUrl('http://127.0.0.1:8080').port, '8080');
  assert.throws(() => parseHubUrl('mqtt://hub:1883'), { code: 'usage' });
  await assert.rejects(exchangeEnrollToken({ hub, token: 't', fingerprint: 'abc' }), { code: 'usage' });
  assert.equal(normalizeFingerprint(`sha256:${'ab'.repeat(32)}`), 'AB'.repeat(32));
});

const readdir = () => readdirSync(dir);
