// Issue 14, item 4, in Chromium: a cell whose agent refused its server's certificate shows the
// trust panel (thumbprint, subject, validity), the sister cells' thumbprints for the same endpoint,
// the exact trust commands for that cell's agent (from its birth), and an engineer's button that
// proposes the signed trust-server-certificate action. The agents' messages go through the real
// broker with each agent's own credentials, as an agent sends them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  type BodyOf,
  type CertificateSummary,
  createEnvelope,
  encodeMessage,
  type MessageKind,
  parseCellId,
  topicOf,
} from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import { connectAsync, type MqttClient } from 'mqtt';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser.ts';
import { enrollAgent, startTestHub, type TestHub } from './support/hub.ts';

let hub: TestHub;
let browser: Browser;
let password = '';
const clients: MqttClient[] = [];
const DAY = 86_400_000;
const NOW = Date.now();

const cert = (thumbprint: string, subject: string): CertificateSummary => ({
  thumbprint,
  subject,
  applicationUri: 'urn:press:Kepware.KEPServerEX.V6:UA%20Server',
  notBefore: NOW - 30 * DAY,
  notAfter: NOW + 335 * DAY,
});
const REFUSED = cert('3fa2c1d04b5e6f708192a3b4c5d6e7f801234567', 'CN=press-01/O=PTC');
const SISTER = cert('9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a392817065', 'CN=press-02/O=PTC');

function probe(code: string, ok: boolean, serverCertificate: CertificateSummary): BodyOf<'probe'> {
  return {
    endpoint: 'kepware',
    url: 'opc.tcp://10.0.0.1:49320',
    ok,
    startedAt: Date.now(),
    durationMs: 40,
    steps: [{ name: 'certificates', ok, ms: 5 }],
    diagnosis: {
      code,
      severity: ok ? 'ok' : 'error',
      summary: ok ? 'Healthy.' : 'This agent does not trust the server certificate yet.',
      remediation: ok
        ? []
        : [{ vendor: 'generic', product: 'any', steps: ['If they match: cellfleet-agent trust 3fa2c1d0'] }],
    },
    findings: [],
    serverCertificate,
  };
}

/** An agent's birth and one probe, through the broker with the agent's own credentials. */
async function report(cell: string, p: BodyOf<'probe'>, invocation?: { command: string; config: string }) {
  const a = await enrollAgent(hub, { cell, endpoints: [{ name: 'kepware', url: p.url }] });
  const client = await connectAsync(hub.hub.mqttUrl, {
    username: a.id,
    password: a.secret,
    clientId: `t-${cell}`,
  });
  clients.push(client);
  const ref = parseCellId(a.id)!;
  let seq = 0;
  const send = async <K extends MessageKind>(kind: K, body: BodyOf<K>) => {
    const m = createEnvelope({
      kind,
      id: randomUUID(),
      cell: a.id,
      ts: Date.now(),
      seq: ++seq,
      session: 1,
      body,
    });
    await client.publishAsync(topicOf(ref, kind), Buffer.from(encodeMessage(m)), {
      qos: 1,
    });
  };
  await send('birth', {
    state: 'online',
    identity: { ...ref, sisterGroup: 'presses' },
    agentVersion: '0.1.0',
    probeIntervalMs: 60_000,
    endpoints: [{ name: 'kepware', url: p.url }],
    ...(invocation ? { invocation } : {}),
  });
  await send('probe', p);
  return a.id;
}

before(async () => {
  [hub, browser] = await Promise.all([startTestHub(), launchBrowser()]);
  password = (await hub.hub.services.auth.addUser('test', 'erin', 'engineer')).password;
  await report('press-01', probe('server-cert-untrusted', false, REFUSED), {
    command: '/opt/cellfleet/bin/cellfleet-agent',
    config: '/etc/cellfleet/agent.yaml',
  });
  await report('press-02', probe('healthy', true, SISTER));
  await report('press-03', probe('healthy', true, REFUSED));
  await waitFor('three probes stored', async () => {
    const cells = await hub.get<Array<{ lastProbe: unknown }>>('/api/cells');
    return cells.filter((c) => c.lastProbe).length === 3;
  });
});

after(async () => {
  await Promise.all(clients.map((c) => c.endAsync()));
  await browser?.close();
  await hub?.stop();
});

test('the trust panel: the refused certificate beside its sisters, exact commands, a proposal', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${hub.hub.httpUrl}/`);
  await page.getByLabel('User name').fill('erin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user').waitFor();
  await page.goto(`${hub.hub.httpUrl}/#/cell/plant1.lineA.press-01`);

  const panel = page.getByRole('region', { name: 'Trust decision for kepware' });
  await panel.waitFor();
  assert.equal(
    await panel.getByTestId('trust-thumbprint').textContent(),
    '3F:A2:C1:D0:4B:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:01:23:45:67',
  );
  assert.equal(await panel.getByTestId('trust-subject').textContent(), 'CN=press-01/O=PTC');
  assert.match((await panel.getByTestId('trust-validity').textContent()) ?? '', /→/);
  const sisters = panel.getByRole('table', { name: 'Sister certificates' });
  const row2 = sisters.getByRole('row', { name: /press-02/ });
  assert.match((await row2.textContent()) ?? '', /9C:8B:7A:6F.*different/);
  const row3 = sisters.getByRole('row', { name: /press-03/ });
  assert.match((await row3.textContent()) ?? '', /3F:A2:C1:D0.*same certificate/);
  assert.equal(
    await panel.getByTestId('trust-commands').textContent(),
    [
      '/opt/cellfleet/bin/cellfleet-agent trust show 3fa2c1d0 --config /etc/cellfleet/agent.yaml',
      '/opt/cellfleet/bin/cellfleet-agent trust accept 3fa2c1d0 --config /etc/cellfleet/agent.yaml',
      '/opt/cellfleet/bin/cellfleet-agent trust reject 3fa2c1d0 --config /etc/cellfleet/agent.yaml',
    ].join('\n'),
  );
  // The diagnosis' own fix step names the exact command too.
  assert.match(
    (await page.locator('main').textContent()) ?? '',
    /If they match: \/opt\/cellfleet\/bin\/cellfleet-agent trust accept 3fa2c1d0 --config \/etc\/cellfleet\/agent\.yaml/,
  );
  await screenshot(page, 'ui-trust-panel');

  await panel.getByRole('button', { name: 'Propose trusting this certificate' }).click();
  const status = panel.getByRole('status');
  await status.waitFor();
  const actionId = (await status.getByRole('link').getAttribute('href'))?.split('/').at(-1) ?? '';
  const action = await hub.get<{ type: string; state: string; params: unknown; proposedBy: string }>(
    `/api/actions/${actionId}`,
  );
  assert.equal(action.type, 'trust-server-certificate');
  assert.equal(action.state, 'proposed', 'it waits for an approver like any action');
  assert.equal(action.proposedBy, 'erin');
  assert.deepEqual(action.params, { endpoint: 'kepware', thumbprint: REFUSED.thumbprint });

  // A healthy sister: its trust data is loaded, and no panel shows.
  const loaded = page.waitForResponse((r) => r.url().endsWith('/api/cells/plant1.lineA.press-02/trust'));
  await page.goto(`${hub.hub.httpUrl}/#/cell/plant1.lineA.press-02`);
  assert.equal((await loaded).status(), 200);
  await page.getByRole('heading', { name: 'Diagnosis' }).waitFor();
  assert.equal(await page.getByRole('region', { name: /Trust decision/ }).count(), 0);
  await context.close();
});
