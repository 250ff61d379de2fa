// The ladder against real peers: in-process node-opcua servers and raw TCP stubs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../opcua/testing.ts';
import { type AgentPki, openAgentPki } from '../pki/pki.ts';
import { probeEndpoint } from './ladder.ts';
import { closedPort, startRawPeer } from './raw-peers.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-ladder-'));
const TIMEOUT = 2500;
let pki: AgentPki;
let server: TestServer;

before(async () => {
  pki = await openAgentPki({ dir: join(dir, 'agent'), disableFileWatchers: true });
  server = await startTestServer({ dir: join(dir, 'server'), users: { op: 'S3cret-pw!' } });
});
after(async () => {
  await server.stop();
  await pki.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const probe = (url: string, extra: Record<string, unknown> = {}) =>
  probeEndpoint({ name: 'ep', url, ...extra }, { pki, timeoutMs: TIMEOUT });

test('unknown server certificate → server-cert-untrusted, then trusted → ok with BuildInfo', async () => {
  const first = await probe(server.url);
  assert.equal(first.body.diagnosis.code, 'server-cert-untrusted');
  assert.equal(first.body.steps.at(-1)?.name, 'certificates');
  const [rejected] = pki.listRejected();
  assert.ok(rejected);
  await pki.trust(rejected.der);
  const ok = await probe(server.url);
  assert.equal(ok.body.diagnosis.code, 'ok', JSON.stringify(ok.body.steps));
  assert.equal(ok.body.ok, true);
  assert.equal(ok.body.server?.buildInfo?.productName, 'Test Server');
  assert.equal(ok.body.security, 'SignAndEncrypt/Basic256Sha256');
  assert.equal(ok.body.server?.state, 'Running');
});

test('wrong password → bad-credentials, and the password appears nowhere', async () => {
  const r = await probe(server.url, { user: 'op', password: 'wrong-S3cret-pw!' });
  assert.equal(r.body.diagnosis.code, 'bad-credentials');
  const all = JSON.stringify(r);
  assert.ok(!all.includes('wrong-S3cret-pw!'));
  const good = await probe(server.url, { user: 'op', password: 'S3cret-pw!' });
  assert.equal(good.body.diagnosis.code, 'ok');
  assert.ok(!JSON.stringify(good).includes('S3cret-pw!'));
});

test('nothing listening → port-closed', async () => {
  const r = await probe(`opc.tcp://127.0.0.1:${await closedPort()}`);
  assert.equal(r.body.diagnosis.code, 'port-closed');
});

test('silent listener → handshake-timeout within the timeout plus a margin', async () => {
  const peer = await startRawPeer('silent');
  try {
    const t0 = performance.now();
    const r = await probe(peer.url);
    const took = performance.now() - t0;
    assert.equal(r.body.diagnosis.code, 'handshake-timeout');
    assert.ok(took < TIMEOUT + 1500, `took ${took} ms`);
  } finally {
    await peer.close();
  }
});

test('HTTP on the port → not-opcua; drop on accept → connection-dropped', async () => {
  const http = await startRawPeer('http');
  const drop = await startRawPeer('drop');
  try {
    assert.equal((await probe(http.url)).body.diagnosis.code, 'not-opcua');
    assert.equal((await probe(drop.url)).body.diagnosis.code, 'connection-dropped');
  } finally {
    await http.close();
    await drop.close();
  }
});

test('ERR BadTcpEndpointUrlInvalid → endpoint-url-rejected', async () => {
  const peer = await startRawPeer('opcua-error', 0x80830000);
  try {
    const r = await probe(peer.url);
    assert.equal(r.body.diagnosis.code, 'endpoint-url-rejected', JSON.stringify(r.body.steps));
  } finally {
    await peer.close();
  }
});

test('bad URL and unknown host', async () => {
  assert.equal((await probe('http://x:1')).body.diagnosis.code, 'invalid-url');
  assert.equal((await probe('opc.tcp://no-such-host.invalid:4840')).body.diagnosis.code, 'dns-unresolved');
});
