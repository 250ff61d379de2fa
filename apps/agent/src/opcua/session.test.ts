import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type AgentPki, openAgentPki } from '../pki/pki.ts';
import { OpenSessionError, openSession } from './session.ts';
import { startTestServer, type TestServer } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-session-'));
let pki: AgentPki;
let server: TestServer;

before(async () => {
  pki = await openAgentPki({ dir: join(dir, 'agent'), disableFileWatchers: true });
  server = await startTestServer({ dir: join(dir, 'server') });
});
after(async () => {
  await server.stop();
  await pki.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('refuses an unknown server certificate and records it in rejected/', async () => {
  await assert.rejects(
    openSession({ name: 'ep', url: server.url }, { pki, timeoutMs: 4000 }),
    (err: unknown) => err instanceof OpenSessionError && err.code === 'server-cert-untrusted',
  );
  assert.equal(pki.listRejected().length, 1);
});

test('opens SignAndEncrypt once the server certificate is trusted, and closes', async () => {
  const [rejected] = pki.listRejected();
  assert.ok(rejected);
  await pki.trust(rejected.der);
  const s = await openSession({ name: 'ep', url: server.url }, { pki, timeoutMs: 4000 });
  assert.equal(s.security, 'SignAndEncrypt/Basic256Sha256');
  const dv = await s.session.read({ nodeId: 'ns=0;i=2259', attributeId: 13 });
  assert.equal(dv.value.value, 0);
  await s.close();
});

test('keeps the same certificate across restarts of the PKI', async () => {
  const again = await openAgentPki({ dir: join(dir, 'agent'), disableFileWatchers: true });
  try {
    assert.equal(again.certificate.thumbprint, pki.certificate.thumbprint);
    assert.equal(again.applicationUri, 'urn:cellfleet:agent:cli');
  } finally {
    await again.dispose();
  }
});
