// Issue 5 end to end, every action type: real hub (embedded broker, scheduler ticking every
// second), real agent processes, an emulated Kepware cell. Each action is proposed by erin,
// approved by ann, dispatched signed at its window and reported back through the outbox;
// writes are checked on the cell itself (readParameter), before and after.

import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningCell } from '@cellfleet/cellsim';
import type { CellDetail, ProposeActionRequest } from '@cellfleet/protocol';
import { tempDir, waitFor } from '@cellfleet/testkit';
import {
  type ActionRig,
  approve,
  propose,
  SPEED,
  SPEED_KEY,
  settledRun,
  startActionRig,
  type Users,
  windowIn,
} from './support/actions.ts';
import { type AgentProcess, enrollAgent, spawnAgent, type TestHub } from './support/hub.ts';

const SCAN = 'Channel1.Device1.Config.ScanRateMs';

let hub: TestHub;
let cell: RunningCell;
let users: Users;
let main: { id: string; dataDir: string };
const agents: AgentProcess[] = [];
const dir = tempDir('actions-types');
const lockFile = join(dir, 'line-running.lock');
let rig: ActionRig | undefined;

before(async () => {
  const script = join(dir, 'flush-cache.sh');
  writeFileSync(script, '#!/bin/sh\necho "flushed $1"\necho "cache was 12 MB" >&2\n');
  chmodSync(script, 0o755);
  rig = await startActionRig('press-01', {
    maintenance: {
      scripts: {
        'flush-cache': { command: script, args: ['--all'], timeoutMs: 5000 },
        fails: { command: '/bin/false', timeoutMs: 5000 },
      },
      lockFile,
    },
  });
  ({ hub, users, cell, enrolled: main } = rig);
  // A 1 s pause after each write leaves the write-altered test time to clear the fault.
  agents.push(spawnAgent(rig.enrolled.configPath, { env: { CELLFLEET_TEST_PAUSE_AFTER_WRITE_MS: '1000' } }));
  await waitFor('press-01 online', async () =>
    (await hub.get<CellDetail>(`/api/cells/${main.id}`)).online ? true : undefined,
  );
});
after(async () => {
  await Promise.all(agents.map((a) => a.kill('SIGKILL')));
  await rig?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const request = (r: Omit<ProposeActionRequest, 'cells' | 'reason'>, cells = [main.id]) =>
  ({ ...r, cells, reason: 'issue 5 end to end', window: windowIn(0, 60_000) }) as ProposeActionRequest;

async function run(r: Omit<ProposeActionRequest, 'cells' | 'reason'>, cellId = main.id) {
  const id = await propose(hub, users, request(r, [cellId]));
  if (r.type !== 'probe-now' && r.type !== 'snapshot-now') await approve(hub, users, id);
  return { id, run: await settledRun(hub, id, cellId) };
}

const writeSpeed = (value: number) =>
  ({
    type: 'write-parameters',
    params: { endpoint: 'kepware', source: { kind: 'manual' }, writes: [{ path: SPEED_KEY, value }] },
  }) as const;

describe('every action type through hub, broker, agent and cell', () => {
  test('probe-now and snapshot-now (read-only: no approval needed)', async () => {
    const probe = await run({ type: 'probe-now', params: {} });
    assert.equal(probe.run.outcome, 'succeeded', probe.run.result?.detail);
    assert.match(probe.run.result?.detail ?? '', /kepware: ok/);
    const snap = await run({ type: 'snapshot-now', params: { endpoint: 'kepware' } });
    assert.equal(snap.run.outcome, 'succeeded', snap.run.result?.detail);
    assert.match(snap.run.result?.detail ?? '', /snapshot sent: snapshot-/);
  });

  test('write-parameters by snapshot key and by node id: written, read back, before/after reported', async () => {
    const { run: r } = await run({
      type: 'write-parameters',
      params: {
        endpoint: 'kepware',
        source: { kind: 'sister-baseline', sisterGroup: 'presses' },
        writes: [
          { path: SPEED_KEY, value: 150, previous: 100 },
          { path: 'ScanRateMs', nodeId: `ns=2;s=${SCAN}`, value: 250 },
        ],
      },
    });
    assert.equal(r.outcome, 'succeeded', r.result?.detail);
    assert.deepEqual(r.result?.changes, [
      { path: SPEED_KEY, before: 100, requested: 150, after: 150 },
      { path: 'ScanRateMs', before: 100, requested: 250, after: 250 },
    ]);
    assert.equal(cell.readParameter(SPEED), 150);
    assert.equal(cell.readParameter(SCAN), 250);
    cell.setParameter(SPEED, 100);
    cell.setParameter(SCAN, 100);
  });

  test('write-altered: verification fails, the rollback verifies → rolled-back, cell back at 100', async () => {
    await cell.setFaults(['write-altered']);
    const id = await propose(hub, users, request(writeSpeed(150)));
    await approve(hub, users, id);
    // The device stored 151 instead of 150; let it take the rollback as written.
    await waitFor('the altered write on the cell', () =>
      cell.readParameter(SPEED) === 151 ? true : undefined,
    );
    await cell.setFaults([]);
    const r = await settledRun(hub, id, main.id);
    assert.equal(r.outcome, 'rolled-back', r.result?.detail);
    assert.equal(r.result?.reason, 'verify-failed');
    assert.match(r.result?.detail ?? '', /read back 151/);
    assert.deepEqual(r.result?.changes, [{ path: SPEED_KEY, before: 100, requested: 150, after: 100 }]);
    assert.equal(cell.readParameter(SPEED), 100);
  });

  test('write-altered throughout: the rollback is altered too → failed (rollback-failed), honestly', async () => {
    await cell.setFaults(['write-altered']);
    const { run: r } = await run(writeSpeed(150));
    await cell.setFaults([]);
    assert.equal(r.outcome, 'failed', r.result?.detail);
    assert.equal(r.result?.reason, 'rollback-failed');
    assert.deepEqual(r.result?.changes, [{ path: SPEED_KEY, before: 100, requested: 150, after: 101 }]);
    assert.equal(cell.readParameter(SPEED), 101, 'the result says what the cell really holds');
    cell.setParameter(SPEED, 100);
  });

  test('write-refused: the server refuses → failed, nothing changed, nothing to roll back', async () => {
    await cell.setFaults(['write-refused']);
    const { run: r } = await run(writeSpeed(150));
    await cell.setFaults([]);
    assert.equal(r.outcome, 'failed', r.result?.detail);
    assert.equal(r.result?.reason, 'write-refused');
    assert.match(r.result?.detail ?? '', /BadUserAccessDenied.*nothing changed/);
    assert.deepEqual(r.result?.changes, [{ path: SPEED_KEY, before: 100, requested: 150, after: 100 }]);
    assert.equal(cell.readParameter(SPEED), 100);
  });

  test('partly refused (one node not writable): the part that was written is rolled back', async () => {
    const { run: r } = await run({
      type: 'write-parameters',
      params: {
        endpoint: 'kepware',
        source: { kind: 'manual' },
        writes: [
          { path: SPEED_KEY, value: 150 },
          { path: 'Profile', nodeId: 'ns=2;s=Channel1.Device1.Recipe.Profile', value: [1, 2, 3] },
        ],
      },
    });
    assert.equal(r.outcome, 'rolled-back', r.result?.detail);
    assert.equal(r.result?.reason, 'write-refused');
    assert.match(r.result?.detail ?? '', /Profile \(BadNotWritable\)/);
    assert.deepEqual(r.result?.changes?.[0], { path: SPEED_KEY, before: 100, requested: 150, after: 100 });
    assert.equal(cell.readParameter(SPEED), 100);
  });

  test('trust-server-certificate: an agent that refused the server trusts it by thumbprint, re-probe ok', async () => {
    const b = await enrollAgent(hub, {
      cell: 'press-02',
      endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
    });
    agents.push(spawnAgent(b.configPath));
    await waitFor('press-02 reports an untrusted server', async () => {
      const c = await hub.get<CellDetail>(`/api/cells/${b.id}`);
      return c.lastProbe?.diagnosis.code === 'server-cert-untrusted' ? true : undefined;
    });
    const thumbprint = createHash('sha1').update(cell.serverCertificate()).digest('hex');
    const { run: r } = await run(
      { type: 'trust-server-certificate', params: { endpoint: 'kepware', thumbprint } },
      b.id,
    );
    assert.equal(r.outcome, 'succeeded', r.result?.detail);
    assert.match(r.result?.detail ?? '', /was rejected\); re-probe kepware: ok/);
    await waitFor('press-02 probes ok', async () => {
      const c = await hub.get<CellDetail>(`/api/cells/${b.id}`);
      return c.lastProbe?.ok ? true : undefined;
    });
  });

  test('renew-agent-certificate: new certificate, same applicationUri, new thumbprint reported', async () => {
    const file = join(main.dataDir, 'pki', 'own', 'certs', 'client_certificate.pem');
    const old = new X509Certificate(readFileSync(file));
    const { run: r } = await run({ type: 'renew-agent-certificate', params: { validityDays: 30 } });
    assert.equal(r.outcome, 'succeeded', r.result?.detail);
    const now = new X509Certificate(readFileSync(file));
    const sha1 = createHash('sha1').update(now.raw).digest('hex');
    assert.equal(r.result?.thumbprint, sha1);
    assert.notEqual(sha1, createHash('sha1').update(old.raw).digest('hex'));
    assert.equal(now.subjectAltName?.match(/URI:([^,]+)/)?.[1], 'urn:cellfleet:agent:plant1.lineA.press-01');
    assert.ok(Date.parse(now.validTo) - Date.now() < 31 * 86_400_000, 'valid for the 30 days asked');
    const probe = await run({ type: 'probe-now', params: {} });
    assert.match(probe.run.result?.detail ?? '', /kepware: ok/, 'the cell still accepts the agent');
  });

  test('run-maintenance-script: allowlisted name, fixed args, no shell; output tail reported', async () => {
    const ok = await run({ type: 'run-maintenance-script', params: { name: 'flush-cache' } });
    assert.equal(ok.run.outcome, 'succeeded', ok.run.result?.detail);
    assert.match(ok.run.result?.detail ?? '', /exited 0\nstdout: flushed --all\nstderr: cache was 12 MB/);
    const bad = await run({ type: 'run-maintenance-script', params: { name: 'fails' } });
    assert.equal(bad.run.outcome, 'failed');
    assert.equal(bad.run.result?.reason, 'script-failed');
  });

  test('the cell holds its local lock: deferred, then run later within the window', async () => {
    writeFileSync(lockFile, 'line running\n');
    const id = await propose(hub, users, { ...request(writeSpeed(120)), window: windowIn(0, 90_000) });
    await approve(hub, users, id);
    const deferred = await settledRun(hub, id, main.id, (r) => r.state === 'deferred');
    assert.equal(deferred.result?.reason, 'cell-locked');
    assert.equal(cell.readParameter(SPEED), 100, 'nothing written while locked');
    rmSync(lockFile);
    // The hub re-sends after its retry delay (60 s by default, and startHub takes no policy):
    // drive one scheduler step that far ahead instead of waiting. The agent checks the window on
    // its own, real clock.
    const retryAt = (deferred.nextAttemptAt ?? Date.now()) + 100;
    await waitFor('the retry dispatched', async () => {
      const report = await hub.hub.services.actions.tick(retryAt);
      return report.dispatched.some((d) => d.actionId === id) ? true : undefined;
    });
    const r = await settledRun(hub, id, main.id);
    assert.equal(r.outcome, 'succeeded', r.result?.detail);
    assert.equal(r.attempts, 2);
    assert.equal(cell.readParameter(SPEED), 120);
    assert.ok(!existsSync(lockFile));
  });
});
