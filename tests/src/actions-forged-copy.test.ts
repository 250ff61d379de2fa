// Issue 12 finding 4, end to end on an external broker (Mosquitto): a man in the middle with
// the hub's broker credentials publishes a tampered copy of a signed action on the cell's `cmd`
// topic just before the genuine one. The agent refuses the copy (bad-signature) and runs the
// genuine action; the hub must settle the run with that success and record the refusal of the
// copy as a security incident on the cell, never as the action's outcome; the cell's page in the
// UI shows it (needs apps/web/dist: `npm test` builds it first).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import {
  type ActionBody,
  type AuditEntryView,
  buildTopic,
  type CellDetail,
  createEnvelope,
  encodeMessage,
  parseCellId,
} from '@cellfleet/protocol';
import { type Mosquitto, removeDir, tempDir, waitFor } from '@cellfleet/testkit';
import mqtt from 'mqtt';
import {
  addActionUsers,
  approve,
  auditOf,
  interceptSigning,
  propose,
  SPEED,
  SPEED_KEY,
  settledRun,
  type Users,
  writeSpeed,
} from './support/actions.ts';
import { launchBrowser } from './support/browser.ts';
import { type AgentProcess, enrollAgent, spawnAgent, type TestHub } from './support/hub.ts';
import { startHubOnMosquitto } from './support/mosquitto-hub.ts';

const dir = tempDir('forged-copy');
let broker: Mosquitto;
let hub: TestHub;
let cell: RunningCell;
let agent: AgentProcess | undefined;
let attacker: mqtt.MqttClient | undefined;
let users: Users;
let cellId: string;

before(async () => {
  const m = await startHubOnMosquitto(dir);
  ({ hub, broker } = m);
  const { files } = m;
  users = await addActionUsers(hub);
  cell = await startCell({ kind: 'kepware', name: 'press-01' });
  const a = await enrollAgent(hub, {
    cell: 'press-01',
    endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
    trustServers: [cell.serverCertificate()],
  });
  cellId = a.id;
  await m.syncBroker();
  // The man in the middle: whoever holds the hub's broker credentials (or sits on a plain link).
  attacker = await mqtt.connectAsync(broker.url, {
    clientId: `mitm-${randomUUID()}`,
    username: files.hubUsername,
    password: readFileSync(files.hubPasswordFile, 'utf8').trim(),
    reconnectPeriod: 0,
  });
  agent = spawnAgent(a.configPath);
  await waitFor('press-01 online', async () =>
    (await hub.get<CellDetail>(`/api/cells/${cellId}`)).online ? true : undefined,
  );
});
after(async () => {
  await attacker?.endAsync();
  await agent?.kill('SIGKILL');
  await hub.stop();
  await broker.stop();
  await cell.stop();
  removeDir(dir);
});

/** Publishes `body` on the cell's cmd topic as the hub would, and waits for the broker's PUBACK. */
async function publishCopy(body: ActionBody): Promise<void> {
  const ref = parseCellId(cellId);
  assert.ok(ref);
  const envelope = createEnvelope({ kind: 'action', id: randomUUID(), cell: cellId, ts: Date.now(), body });
  await attacker!.publishAsync(buildTopic(ref, 'cmd'), Buffer.from(encodeMessage(envelope)), { qos: 1 });
}

test('a tampered copy sent first is an incident on the cell; the genuine run succeeds', async () => {
  assert.equal(cell.readParameter(SPEED), 100);
  const signer = interceptSigning(hub);
  const id = await propose(hub, users, writeSpeed(cellId, 150, 'forged copy test'));
  let copies = 0;
  signer.on(id, async (genuine) => {
    if (copies++ === 0) {
      const writes = [{ path: SPEED_KEY, value: 999 }];
      const params = { ...(genuine.action.params as object), writes };
      await publishCopy({ ...genuine, action: { ...genuine.action, params } as ActionBody['action'] });
    }
    return genuine;
  });
  await approve(hub, users, id);

  const run = await settledRun(hub, id, cellId);
  assert.deepEqual([run.outcome, run.result?.reason], ['succeeded', undefined], run.result?.detail);
  assert.equal(cell.readParameter(SPEED), 150, 'the genuine write, never the tampered 999');

  const incidents = await waitFor('the incident audited on the cell', async () => {
    const all = await hub.get<AuditEntryView[]>(`/api/audit?subject=${encodeURIComponent(`cell:${cellId}`)}`);
    const found = all.filter((e) => e.event === 'security.unsent-envelope');
    return found.length > 0 ? found : undefined;
  });
  assert.equal(incidents.length, 1);
  const data = incidents[0]!.data as { digest: string };
  assert.deepEqual(data, { action: id, outcome: 'refused', reason: 'bad-signature', digest: data.digest });
  assert.match(data.digest, /^[0-9a-f]{64}$/);
  const events = (await auditOf(hub, id)).map((e) => e.event);
  assert.ok(!events.includes('action.result-refused'), `the success was not refused: ${events.join()}`);
  assert.equal(events.filter((e) => e === 'action.result').length, 1, events.join());
  assert.match(agent!.output(), /"reason":"bad-signature"/, 'the agent did see and refuse the copy');
});

test("the incident is on the cell's page in the UI, for a viewer", async () => {
  const { password } = await hub.hub.services.auth.addUser('test-setup', 'vic', 'viewer');
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${hub.hub.httpUrl}/`);
    await page.getByLabel('User name').fill('vic');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('user').waitFor();
    await page.goto(`${hub.hub.httpUrl}/#/cell/${encodeURIComponent(cellId)}`);
    const incident = page.getByTestId('incident');
    await incident.waitFor();
    assert.match((await incident.textContent()) ?? '', /never sent \(refused bad-signature\)/);
    assert.equal(await incident.count(), 1);
  } finally {
    await browser.close();
  }
});
