// A hub stopped while a notification is on the wire waits for it, records it sent, and the
// hub started again on the same database does not send it twice; the recovery that follows
// is told once, by the new hub.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTopic, createEnvelope, encodeMessage, type HubConfig } from '@cellfleet/protocol';
import { removeDir, startWebhookReceiver, tempDir, waitFor } from '@cellfleet/testkit';
import pino from 'pino';
import { type Hub, startHub } from '../hub.ts';

const REF = { site: 'plant1', line: 'lineA', cell: 'press-01' };
const CELL = 'plant1.lineA.press-01';

function probeOf(hub: Hub, ok: boolean, seq: number): Promise<void> {
  const m = createEnvelope({
    kind: 'probe',
    id: randomUUID(),
    cell: CELL,
    ts: Date.now(),
    seq,
    session: 1,
    body: {
      endpoint: 'plc',
      url: 'opc.tcp://127.0.0.1:4840',
      ok,
      startedAt: Date.now(),
      durationMs: 3,
      steps: [],
      diagnosis: {
        code: ok ? 'ok' : 'port-closed',
        severity: ok ? 'ok' : 'error',
        summary: ok ? 'fine' : 'refused',
      },
      findings: [],
    },
  });
  hub.ingest.accept(buildTopic(REF, 'probe'), encodeMessage(m));
  return hub.ingest.flush();
}

test('a hub restart mid-delivery sends nothing twice', async () => {
  const dir = tempDir('notify-restart');
  const hook = await startWebhookReceiver();
  const config: HubConfig = {
    database: { sqlite: join(dir, 'hub.db') },
    http: { host: '127.0.0.1', port: 0 },
    broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
    notifications: { settleMs: 0, deliveryIntervalMs: 20 },
  };
  const logger = pino({ level: 'silent' });
  let hub = await startHub(config, { logger });
  try {
    await hub.services.cells.enroll({
      id: CELL,
      ...REF,
      sisterGroup: 'presses',
      secretHash: 'a'.repeat(64),
      enrolledAt: 1,
    });
    const ch = await hub.notify.createChannel(
      'ada',
      { name: 'hook', kind: 'webhook', config: { url: hook.url, secret: 's'.repeat(32) } },
      Date.now(),
    );
    await hub.notify.createRoute('ada', { channelId: ch.id }, Date.now());
    hook.holdMs = 400;
    await probeOf(hub, false, 1);
    await waitFor('the webhook call to arrive', () => hook.calls.length === 1);
    await hub.stop(); // while the receiver still holds its answer
    const stoppedAfter = hook.calls.length;

    hook.holdMs = 0;
    hub = await startHub(config, { logger });
    await new Promise((r) => setTimeout(r, 300)); // many delivery passes
    assert.equal(hook.calls.length, stoppedAfter, 'the restarted hub sent nothing again');
    const [d] = await hub.notify.deliveries();
    assert.equal(d?.status, 'sent');
    assert.equal(d?.attempts, 1);

    await probeOf(hub, true, 2);
    await waitFor('the recovery', () => hook.calls.length === 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(hook.calls.length, 2);
    const kinds = hook.calls.map((c) => (JSON.parse(c.body) as { kind: string }).kind);
    assert.deepEqual(kinds, ['opened', 'recovered']);
  } finally {
    await hub.stop().catch(() => {});
    await hook.close();
    removeDir(dir);
  }
});
