// Notifications against real receivers: an HTTP server for the signed webhook, smtp-server for
// email over TLS and STARTTLS. One incident, one message; flapping adds none; the recovery is
// one follow-up on the same thread; a receiver that is down gets it later, once; a quiet cell
// tells nobody; routes pick channels by place and severity. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createEnvelope, type Envelope } from '@cellfleet/protocol';
import { removeDir, startSmtp, startWebhookReceiver, tempDir } from '@cellfleet/testkit';
import pino from 'pino';
import { openAuditLog } from '../audit/index.ts';
import { onBothDialects } from '../db/dialects.test-support.ts';
import type { Sql } from '../db/sql.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from './channels.ts';
import { type NotifyDeps, openNotifyService } from './service.ts';

const CELL = 'plant1.lineA.press-01';
const SECRET = 'k'.repeat(32);
const PLACE = { site: 'plant1', line: 'lineA', group: 'presses' };

const probe = (ok: boolean, at: number, severity: 'error' | 'warning' = 'error'): Envelope<'probe'> =>
  createEnvelope({
    kind: 'probe',
    id: randomUUID(),
    cell: CELL,
    ts: at,
    body: {
      endpoint: 'plc',
      url: 'opc.tcp://127.0.0.1:4840',
      ok,
      startedAt: at,
      durationMs: 5,
      steps: [],
      vendor: 'siemens',
      diagnosis: {
        code: ok ? 'ok' : 'port-closed',
        severity: ok ? 'ok' : severity,
        summary: ok ? 'fine' : 'Nothing listens on port 4840',
        ...(ok
          ? {}
          : {
              remediation: [
                { vendor: 'generic', product: 'any', steps: ['Start the server'] },
                { vendor: 'siemens', product: 's7-1500', steps: ['Enable the OPC UA server in TIA Portal'] },
              ],
            }),
      },
      findings: [],
    },
  });

async function service(sql: Sql, o: Partial<NotifyDeps> = {}) {
  return openNotifyService({
    sql,
    audit: await openAuditLog(sql),
    newId: randomUUID,
    logger: pino({ level: 'silent' }),
    placeOf: async (cell) => (cell === CELL ? PLACE : undefined),
    quiet: async () => false,
    publicUrl: () => 'https://hub.plant1.example',
    settleMs: 60_000,
    policy: { backoff: { baseMs: 10, capMs: 20 }, maxAttempts: 3, timeoutMs: 2_000 },
    random: () => 0.5,
    ...o,
  });
}

onBothDialects('notifications', (open) => {
  test('a signed webhook: one call per incident, none for flapping, one follow-up on recovery', async () => {
    const sql = await open();
    const hook = await startWebhookReceiver();
    try {
      const notify = await service(sql);
      const ch = await notify.createChannel(
        'ada',
        { name: 'ops-hook', kind: 'webhook', config: { url: hook.url, secret: SECRET } },
        1,
      );
      await notify.createRoute('ada', { channelId: ch.id, group: 'presses' }, 1);
      await notify.onProbe(probe(false, 1_000), 1_000);
      await notify.onProbe(probe(false, 2_000), 2_000);
      await notify.tick(2_000);
      assert.equal(hook.calls.length, 1, 'one message for the incident, not one per probe');
      const first = hook.calls[0]!;
      const ts = String(first.headers[TIMESTAMP_HEADER]);
      assert.equal(
        first.headers[SIGNATURE_HEADER],
        signBody(SECRET, ts, first.body),
        'HMAC over timestamp.body',
      );
      assert.notEqual(first.headers[SIGNATURE_HEADER], signBody('wrong-secret-wrong', ts, first.body));
      const body = JSON.parse(first.body) as Record<string, unknown> & {
        links: { cell: string; notebook: string };
      };
      assert.equal(body['kind'], 'opened');
      assert.equal(body['cell'], CELL);
      assert.equal(body['id'], first.headers[DELIVERY_HEADER]);
      assert.match(String(body['text']), /port-closed — Nothing listens on port 4840/);
      assert.match(
        String(body['text']),
        /First step: Enable the OPC UA server in TIA Portal/,
        "the vendor's step",
      );
      assert.equal(body.links.cell, 'https://hub.plant1.example/#/cell/plant1.lineA.press-01');
      assert.equal(
        body.links.notebook,
        'https://hub.plant1.example/api/cells/plant1.lineA.press-01/notebook?format=md',
      );

      // Flapping: healthy, failing, healthy again inside settleMs — no new message.
      await notify.onProbe(probe(true, 10_000), 10_000);
      await notify.onProbe(probe(false, 20_000), 20_000);
      await notify.onProbe(probe(true, 30_000), 30_000);
      await notify.tick(40_000);
      assert.equal(hook.calls.length, 1, 'a flapping cell is still one message');
      const [incident] = await notify.incidents({ open: true, limit: 10 });
      assert.equal(incident?.flaps, 1);
      assert.equal(incident?.status, 'recovering');

      await notify.tick(95_000);
      assert.equal(hook.calls.length, 2, 'the recovery is one follow-up');
      const rec = JSON.parse(hook.calls[1]!.body) as Record<string, unknown>;
      assert.equal(rec['kind'], 'recovered');
      assert.equal(rec['incident'], body['incident'], 'same thread: the incident id');
      assert.equal(rec['flaps'], 1);
      assert.match(String(rec['text']), /recovered after \d+ min; it flapped 1 time before settling/);
      await notify.tick(200_000);
      assert.equal(hook.calls.length, 2, 'nothing more');
      assert.deepEqual(await notify.incidents({ open: true, limit: 10 }), []);
    } finally {
      await hook.close();
      await sql.close();
    }
  });

  test('a receiver that is down gets the message later, once; failures show in deliveries and counts', async () => {
    const sql = await open();
    const hook = await startWebhookReceiver();
    try {
      const notify = await service(sql);
      const ch = await notify.createChannel(
        'ada',
        { name: 'flaky', kind: 'slack', config: { url: hook.url } },
        1,
      );
      await notify.createRoute('ada', { channelId: ch.id }, 1);
      hook.failNext(2, 503);
      await notify.onProbe(probe(false, 1_000), 1_000);
      await notify.tick(1_000);
      let [d] = await notify.deliveries();
      assert.equal(d?.status, 'pending');
      assert.equal(d?.attempts, 1);
      assert.match(d?.lastError ?? '', /^127\.0\.0\.1:\d+ answered 503$/, 'the host, not the secret URL');
      assert.deepEqual(await notify.counts(), { pending: 1, failed: 0 });
      await notify.tick(1_005);
      assert.equal(hook.calls.length, 0, 'not before its backoff');
      await notify.tick(2_000);
      await notify.tick(3_000);
      assert.equal(hook.calls.length, 1, 'delivered once the receiver answers');
      [d] = await notify.deliveries();
      assert.equal(d?.status, 'sent');
      assert.equal(d?.attempts, 3);
      assert.match(
        JSON.parse(hook.calls[0]!.body).text as string,
        /^\*\[Cellfleet\] ERROR plant1\.lineA\.press-01: port-closed\*/,
      );
      await notify.tick(10_000);
      assert.equal(hook.calls.length, 1, 'never twice');

      // Past maxAttempts a notification fails for good: visible, counted.
      hook.failNext(10, 500);
      const test = await notify.testChannel('ada', ch.id, 20_000);
      for (const at of [20_000, 21_000, 22_000, 23_000]) await notify.tick(at);
      const failed = (await notify.deliveries()).find((x) => x.id === test.id);
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.attempts, 3);
      assert.deepEqual(await notify.counts(), { pending: 0, failed: 1 });
      const [view] = await notify.channels();
      assert.equal(view?.lastDelivery?.status, 'failed');
      assert.equal(view?.target, `http://${new URL(hook.url).host}/…`);
    } finally {
      await hook.close();
      await sql.close();
    }
  });

  test('routes: by site, line, group and severity; a quiet cell (action running) tells nobody', async () => {
    const sql = await open();
    const hook = await startWebhookReceiver();
    try {
      let quiet = true;
      const notify = await service(sql, { quiet: async () => quiet, settleMs: 0 });
      const ch = await notify.createChannel(
        'ada',
        { name: 'teams', kind: 'teams', config: { url: hook.url } },
        1,
      );
      await notify.createRoute('ada', { channelId: ch.id, site: 'plant2' }, 1);
      await notify.createRoute('ada', { channelId: ch.id, group: 'presses', minSeverity: 'critical' }, 1);
      await notify.onProbe(probe(false, 1_000), 1_000);
      await notify.tick(1_000);
      assert.equal(hook.calls.length, 0);
      assert.equal((await notify.incidents({ open: true, limit: 5 }))[0]?.quiet, true);
      await notify.onProbe(probe(true, 2_000), 2_000);
      await notify.tick(2_000);
      assert.equal(hook.calls.length, 0, 'nor of its recovery');

      quiet = false;
      await notify.onProbe(probe(false, 3_000), 3_000);
      await notify.tick(3_000);
      assert.equal(hook.calls.length, 0, 'error is below the route’s critical; plant2 is not this site');
      await notify.createRoute(
        'ada',
        { channelId: ch.id, site: 'plant1', line: 'lineA', minSeverity: 'error' },
        4,
      );
      await notify.createRoute('ada', { channelId: ch.id }, 4);
      await notify.onProbe(probe(true, 5_000), 5_000);
      await notify.tick(5_000);
      assert.equal(hook.calls.length, 0, 'no recovery for an incident nobody was told of');
      await notify.onProbe(probe(false, 6_000), 6_000);
      await notify.tick(6_000);
      assert.equal(hook.calls.length, 1, 'two matching routes to one channel: one message');
      const card = JSON.parse(hook.calls[0]!.body) as {
        attachments: Array<{ content: { body: Array<{ text: string }> } }>;
      };
      assert.equal(
        card.attachments[0]?.content.body[0]?.text,
        '[Cellfleet] ERROR plant1.lineA.press-01: port-closed',
      );
    } finally {
      await hook.close();
      await sql.close();
    }
  });
});

for (const mode of ['tls', 'starttls'] as const)
  test(`email over SMTP (${mode}): one message, the recovery answers it on the same thread`, async () => {
    const dir = tempDir('smtp');
    const smtp = await startSmtp(dir, mode);
    const { openSqliteSql } = await import('../db/sqlite-sql.ts');
    const sql = await openSqliteSql(':memory:');
    try {
      const notify = await service(sql, { settleMs: 0 });
      const ch = await notify.createChannel(
        'ada',
        {
          name: 'oncall',
          kind: 'email',
          config: {
            host: '127.0.0.1',
            port: smtp.port,
            tls: mode,
            caFile: smtp.caFile,
            from: 'hub@plant1.example',
            to: ['oncall@plant1.example'],
          },
        },
        1,
      );
      await notify.createRoute('ada', { channelId: ch.id }, 1);
      await notify.onProbe(probe(false, 1_000), 1_000);
      await notify.tick(1_000);
      await notify.onProbe(probe(true, 2_000), 2_000);
      await notify.tick(2_000);
      assert.equal(smtp.mails.length, 2);
      const [opened, recovered] = smtp.mails as [(typeof smtp.mails)[0], (typeof smtp.mails)[0]];
      assert.equal(opened.secure, true, 'sent encrypted');
      assert.deepEqual(opened.to, ['oncall@plant1.example']);
      assert.equal(opened.header('Subject'), '[Cellfleet] ERROR plant1.lineA.press-01: port-closed');
      assert.equal(recovered.header('Subject'), 'Re: [Cellfleet] ERROR plant1.lineA.press-01: port-closed');
      assert.equal(recovered.header('In-Reply-To'), opened.header('Message-ID'), 'same thread');
      assert.match(opened.raw, /First step: Enable the OPC UA server in TIA Portal/);
    } finally {
      await smtp.close();
      await sql.close();
      removeDir(dir);
    }
  });

test('an SMTP server that refuses TLS gets nothing in clear', async () => {
  // A server offering no STARTTLS: requireTLS makes nodemailer refuse to send.
  const { createServer } = await import('node:net');
  const commands: string[] = [];
  const plain = createServer((s) => {
    s.write('220 plain ESMTP\r\n');
    s.on('data', (d) => {
      const line = d.toString();
      commands.push(line.trim());
      if (/^EHLO/i.test(line)) s.write('250-plain\r\n250 8BITMIME\r\n');
      else if (/^QUIT/i.test(line)) s.end('221 bye\r\n');
      else s.write('502 not implemented\r\n');
    });
  });
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const port = (plain.address() as { port: number }).port;
  const { openSqliteSql } = await import('../db/sqlite-sql.ts');
  const sql = await openSqliteSql(':memory:');
  try {
    const notify = await service(sql);
    const ch = await notify.createChannel(
      'ada',
      {
        name: 'plain',
        kind: 'email',
        config: { host: '127.0.0.1', port, tls: 'starttls', from: 'a@b.example', to: ['c@d.example'] },
      },
      1,
    );
    await notify.testChannel('ada', ch.id, 1);
    await notify.tick(1);
    const [d] = await notify.deliveries();
    assert.equal(d?.status, 'pending');
    assert.match(d?.lastError ?? '', /^smtp 127\.0\.0\.1:\d+: /);
    assert.deepEqual(
      commands.filter((c) => /^(MAIL|RCPT|DATA|AUTH)/i.test(c)),
      [],
      'no envelope, no credentials, no message over the plain connection',
    );
  } finally {
    plain.close();
    await sql.close();
  }
});
