// Issue 17 item 3, second half: the server's event log as evidence. An emulated Kepware
// Configuration API (a real HTTP server on port 0, @cellfleet/cellsim) reports that it rejected
// the plant's Ignition client certificate; the agent reads it through its shared HTTP wrapper
// (Retry-After on 429, backoff on 503, hostile bodies refused with the endpoint named) and the
// probe of an emulated Kepware cell raises client-cert-untrusted naming the client, with no
// rejected folder configured. A later "has been trusted" line clears it.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type AgentPki,
  createHttpClient,
  HttpError,
  openAgentPki,
  probeEndpoint,
  readKepwareRejections,
} from '@cellfleet/agent';
import { type KepwareConfigApi, type RunningCell, startKepwareConfigApi } from '@cellfleet/cellsim';
import type { EndpointConfig, EventLogConfig } from '@cellfleet/protocol';
import { ignitionClient, openIgnitionPki, startStrictKepware } from './support/plant-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-eventlog-'));
const PASSWORD = 'K3pw-API-secret!';
let api: KepwareConfigApi;
let agent: AgentPki;
let ignition: AgentPki;
let cell: RunningCell;
let log: EventLogConfig;

before(async () => {
  api = await startKepwareConfigApi({ user: 'cellfleet', password: PASSWORD });
  writeFileSync(join(dir, 'kepware.pw'), `${PASSWORD}\n`, { mode: 0o600 });
  chmodSync(join(dir, 'kepware.pw'), 0o600);
  log = {
    kind: 'kepware-config-api',
    url: api.url,
    user: 'cellfleet',
    passwordFile: join(dir, 'kepware.pw'),
  };
  agent = await openAgentPki({ dir: join(dir, 'agent'), disableFileWatchers: true });
  ignition = await openIgnitionPki(dir);
  cell = await startStrictKepware({ dir, name: 'press-17e', trusted: [agent.certificate.der] });
});
after(async () => {
  await api.close();
  await cell.stop();
  await agent.dispose();
  await ignition.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const twoHoursAgo = () => Date.now() - 2 * 3600_000;
const fast = () => createHttpClient({ random: () => 0, policy: { maxBodyBytes: 256 * 1024 } });

describe("the Kepware Configuration API's event log (issue 17)", () => {
  test('the query carries limit, start and end as Kepware reads them, with Basic credentials', async () => {
    api.rejected('Ignition Gateway', twoHoursAgo());
    api.rejected('Some Other Client', twoHoursAgo());
    const seen = api.requests.length;
    const found = await readKepwareRejections(log, { now: Date.now() }, fast());
    const req = api.requests[seen];
    assert.ok(req?.authorized, 'the password from the file (without its newline) was accepted');
    assert.match(
      req.path,
      /^\/config\/v1\/event_log\?limit=500&start=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{3}&end=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{3}$/,
    );
    assert.deepEqual(found.map((f) => f.certificate).sort(), ['Ignition Gateway', 'Some Other Client']);
  });

  test('a 429 with Retry-After: 1 is waited out, a 503 retried, and the log still read', async () => {
    api.fail('429', '503');
    const seen = api.requests.length;
    const t0 = performance.now();
    const found = await readKepwareRejections(log, { now: Date.now() }, fast());
    assert.equal(api.requests.length - seen, 3, 'one 429, one 503, then the answer');
    assert.ok(performance.now() - t0 >= 950, 'the Retry-After second was honoured');
    assert.ok(found.some((f) => f.certificate === 'Ignition Gateway'));
  });

  test('hostile answers: not JSON, not an event log, a flood — each an error naming the endpoint', async () => {
    for (const [fault, expected] of [
      ['not-json', /GET http:\/\/127\.0\.0\.1:\d+\/config\/v1\/event_log: the body is not JSON/],
      ['not-an-array', /event_log: expected a JSON array of event-log entries, got object/],
      ['huge', /event_log: response body is over the 262144-byte cap/],
    ] as const) {
      api.fail(fault);
      const err = await readKepwareRejections(log, { now: Date.now() }, fast()).catch((e: unknown) => e);
      assert.ok(err instanceof HttpError, `${fault}: ${String(err)}`);
      assert.match(err.message, expected);
    }
  });

  test('a wrong password is a 401 naming the endpoint, and the password is in no message', async () => {
    writeFileSync(join(dir, 'wrong.pw'), 'not-it', { mode: 0o600 });
    const err = await readKepwareRejections(
      { ...log, passwordFile: join(dir, 'wrong.pw') },
      { now: Date.now() },
      fast(),
    ).catch((e: unknown) => e);
    assert.ok(err instanceof HttpError && err.status === 401, String(err));
    assert.match(err.message, /event_log: HTTP 401/);
    assert.ok(!`${err.message}${err.stack}`.includes(PASSWORD) && !err.message.includes('not-it'));
  });

  test('the probe names the refused client from the event log alone; trusting it clears the finding', async () => {
    const endpoint: EndpointConfig = {
      name: 'kepware',
      url: cell.endpointUrl,
      trustOnFirstUse: true,
      eventLog: log,
      clients: [ignitionClient({ url: cell.endpointUrl, certificate: ignition.certificateFile })],
    };
    const own = await probeEndpoint(endpoint, { pki: agent, timeoutMs: 5000 });
    assert.equal(own.body.ok, true, own.body.diagnosis.summary);
    assert.equal(own.body.eventLogError, undefined);
    const entry = own.body.serverRejectedEvents?.find((e) => e.certificate === 'Ignition Gateway');
    assert.equal(entry?.client, 'ignition-gateway', JSON.stringify(own.body.serverRejectedEvents));
    assert.ok(!own.body.serverRejectedEvents?.find((e) => e.certificate === 'Some Other Client')?.client);
    const finding = own.body.findings.find((f) => f.code === 'client-cert-untrusted');
    assert.ok(finding, JSON.stringify(own.body.findings.map((f) => f.code)));
    assert.match(finding.summary, /logs as rejected Ignition Gateway \([0-9A-F:]+, since \d\d:\d\d UTC/);
    // The same client probed without its key: the event log proves what the channel could not.
    const as = await probeEndpoint(endpoint, { pki: agent, timeoutMs: 5000, client: endpoint.clients![0]! });
    assert.equal(as.body.diagnosis.code, 'client-cert-untrusted', as.body.diagnosis.summary);
    assert.match(as.body.diagnosis.summary, /reported rejected by the server's event log/);

    api.trusted('Ignition Gateway');
    const after = await probeEndpoint(endpoint, { pki: agent, timeoutMs: 5000 });
    assert.ok(!after.body.findings.some((f) => f.code === 'client-cert-untrusted'));
    assert.ok(!after.body.serverRejectedEvents?.some((e) => e.certificate === 'Ignition Gateway'));
    for (const r of [own, as, after]) assert.ok(!JSON.stringify(r).includes(PASSWORD));
  });

  test('an unreachable event log does not fail the probe: it says why, naming the endpoint', async () => {
    const r = await probeEndpoint(
      {
        name: 'kepware',
        url: cell.endpointUrl,
        trustOnFirstUse: true,
        eventLog: { ...log, url: 'http://127.0.0.1:1' },
      },
      { pki: agent, timeoutMs: 5000 },
    );
    assert.equal(r.body.ok, true, r.body.diagnosis.summary);
    assert.match(
      r.body.eventLogError ?? '',
      /^event log not read: GET http:\/\/127\.0\.0\.1:1\/config\/v1\/event_log: /,
    );
  });
  test("an event log that follows the cell's rejected folder: refused, logged, trusted, cleared", async () => {
    const follows = await startKepwareConfigApi({ user: 'cellfleet', password: PASSWORD, cell });
    try {
      const listed = ignitionClient({
        url: cell.endpointUrl,
        certificate: ignition.certificateFile,
        privateKey: ignition.privateKeyFile,
      });
      const endpoint: EndpointConfig = {
        name: 'kepware',
        url: cell.endpointUrl,
        trustOnFirstUse: true,
        eventLog: { ...log, url: follows.url },
        clients: [listed],
      };
      // Ignition's own attempt (the probe as the client, with its key) is refused and logged.
      const as = await probeEndpoint(endpoint, { pki: agent, timeoutMs: 5000, client: listed });
      assert.equal(as.body.diagnosis.code, 'client-cert-untrusted', as.body.diagnosis.summary);
      const own = await probeEndpoint(endpoint, { pki: agent, timeoutMs: 5000 });
      const entry = own.body.serverRejectedEvents?.find((e) => e.client === 'ignition-gateway');
      assert.equal(entry?.certificate, 'Ignition Gateway', JSON.stringify(own.body.serverRejectedEvents));
      assert.ok(own.body.findings.some((f) => f.code === 'client-cert-untrusted'));
      await cell.trustClientCertificate(ignition.certificate.der);
      const cleared = await probeEndpoint(endpoint, { pki: agent, timeoutMs: 5000 });
      assert.ok(!cleared.body.serverRejectedEvents?.some((e) => e.client === 'ignition-gateway'));
      assert.ok(!cleared.body.findings.some((f) => f.code === 'client-cert-untrusted'));
    } finally {
      await follows.close();
    }
  });
});
