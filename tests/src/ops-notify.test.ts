// Issue 15, "done means": a real agent process probing an emulated cell; switching the cell's
// fault produces one webhook call and one email within a minute, the recovery one follow-up
// each, and a restart of the hub in between sends nothing twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import { removeDir, startSmtp, startWebhookReceiver, tempDir, waitFor } from '@cellfleet/testkit';
import { type AgentProcess, enrollAgent, spawnAgent, startTestHub, type TestHub } from './support/hub.ts';

let t: TestHub;
let cell: RunningCell;
let agent: AgentProcess;
let dir: string;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

before(async () => {
  dir = tempDir('notify-e2e');
  hook = await startWebhookReceiver();
  smtp = await startSmtp(dir, 'tls');
  t = await startTestHub({ notifications: { settleMs: 5_000, deliveryIntervalMs: 200 } });
  cell = await startCell({ kind: 'kepware', name: 'press-21' });
  const a = await enrollAgent(t, {
    cell: 'press-21',
    probeIntervalMs: 1500,
    endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
    trustServers: [cell.serverCertificate()],
  });
  agent = spawnAgent(a.configPath);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${t.hub.httpUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    return JSON.parse(text) as { id: string };
  };
  const webhook = await post('/api/notifications/channels', {
    name: 'ops-webhook',
    kind: 'webhook',
    config: { url: hook.url, secret: 'w'.repeat(32) },
  });
  const email = await post('/api/notifications/channels', {
    name: 'oncall-mail',
    kind: 'email',
    config: {
      host: '127.0.0.1',
      port: smtp.port,
      tls: 'tls',
      caFile: smtp.caFile,
      from: 'cellfleet@plant1.example',
      to: ['oncall@plant1.example'],
    },
  });
  await post('/api/notifications/routes', { channelId: webhook.id, group: 'presses' });
  await post('/api/notifications/routes', { channelId: email.id, site: 'plant1', minSeverity: 'error' });
});

after(async () => {
  await agent?.kill('SIGKILL');
  await t?.stop();
  await cell?.stop();
  await hook?.close();
  await smtp?.close();
  removeDir(dir);
});

test('a fault: one webhook call and one email; a hub restart; the recovery: one follow-up each', async () => {
  await waitFor(
    'a healthy probe',
    async () => {
      const c = await t.get<{ lastProbe: { ok: boolean } | null }>('/api/cells/plant1.lineA.press-21');
      return c.lastProbe?.ok === true;
    },
    60_000,
  );
  assert.equal(hook.calls.length + smtp.mails.length, 0, 'a healthy cell tells nobody');

  const faultAt = Date.now();
  await cell.setFaults(['port-closed']);
  await waitFor(
    'the webhook call and the email',
    () => hook.calls.length >= 1 && smtp.mails.length >= 1,
    60_000,
  );
  assert.ok(Date.now() - faultAt < 60_000, 'within a minute');
  // More failing probes come in while the fault lasts: still one of each.
  await new Promise((r) => setTimeout(r, 4_000));
  assert.equal(hook.calls.length, 1);
  assert.equal(smtp.mails.length, 1);
  const opened = JSON.parse(hook.calls[0]!.body) as { kind: string; code: string; incident: string };
  assert.equal(opened.kind, 'opened');
  assert.equal(opened.code, 'port-closed');

  await t.stop();
  await t.restart();

  await cell.setFaults([]);
  await waitFor(
    'the recovery on both channels',
    () => hook.calls.length >= 2 && smtp.mails.length >= 2,
    60_000,
  );
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(hook.calls.length, 2, 'nothing sent twice across the restart');
  assert.equal(smtp.mails.length, 2);
  const recovered = JSON.parse(hook.calls[1]!.body) as { kind: string; incident: string };
  assert.equal(recovered.kind, 'recovered');
  assert.equal(recovered.incident, opened.incident);
  assert.equal(smtp.mails[1]!.header('In-Reply-To'), smtp.mails[0]!.header('Message-ID'));

  const incidents = await t.get<Array<{ status: string }>>('/api/incidents?status=all');
  assert.deepEqual(
    incidents.map((i) => i.status),
    ['closed'],
  );
});
