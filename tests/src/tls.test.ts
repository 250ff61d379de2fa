// The embedded broker over TLS: an agent that pins the hub's CA comes online over mqtts://;
// a client that does not trust the certificate, or that speaks plain MQTT, gets nowhere.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import type { CellDetail } from '@cellfleet/protocol';
import { removeDir, tempDir, waitFor } from '@cellfleet/testkit';
import mqtt from 'mqtt';
import { type AgentProcess, enrollAgent, spawnAgent, startTestHub, type TestHub } from './support/hub.ts';

const dir = tempDir('tls');
const certFile = join(dir, 'hub-cert.pem');
const keyFile = join(dir, 'hub-key.pem');
let hub: TestHub;
let cell: RunningCell;
let agent: AgentProcess | undefined;

before(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=cellfleet-test-hub',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  hub = await startTestHub({
    broker: { mode: 'embedded', host: '127.0.0.1', port: 0, tls: { certFile, keyFile } },
  });
  cell = await startCell({ kind: 'generic', name: 'plc-01' });
});
after(async () => {
  await agent?.kill('SIGKILL');
  await hub.stop();
  await cell.stop();
  removeDir(dir);
});

/** Resolves on CONNACK; rejects on an error, or when the connection closes or times out first. */
function attempt(url: string): Promise<void> {
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000 });
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), 5000);
    c.once('connect', () => resolve());
    c.once('error', (err) => reject(err));
    c.once('close', () => reject(new Error('closed before CONNACK')));
    c.once('end', () => clearTimeout(timer));
  }).finally(() => c.end(true));
}

describe('embedded broker over TLS', () => {
  test('an agent pinning the hub certificate comes online over mqtts://', async () => {
    assert.match(hub.hub.mqttUrl, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const a = await enrollAgent(hub, {
      cell: 'plc-01',
      endpoints: [{ name: 'plc', url: cell.endpointUrl }],
      trustServers: [cell.serverCertificate()],
    });
    writeFileSync(
      a.configPath,
      readFileSync(a.configPath, 'utf8').replace(/^hub:\n/m, `hub:\n  caFile: ${certFile}\n`),
    );
    agent = spawnAgent(a.configPath);
    const c = await waitFor('online over TLS', async () => {
      const s = await hub.get<CellDetail>(`/api/cells/${a.id}`);
      return s.online && s.buildInfo ? s : undefined;
    });
    assert.equal(c.buildInfo?.manufacturerName, 'Acme PLC');
  });

  test('a client that does not trust the certificate, or speaks plain MQTT, is refused', async () => {
    const port = new URL(hub.hub.mqttUrl).port;
    await assert.rejects(attempt(`mqtts://127.0.0.1:${port}`), /self-signed|certificate/i);
    await assert.rejects(attempt(`mqtt://127.0.0.1:${port}`), /closed before CONNACK|timed out/);
  });
});
