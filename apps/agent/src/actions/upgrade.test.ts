// upgrade-agent against a real HTTPS server holding the builds (self-signed, pinned as an enrolled
// agent pins its hub) and real executables (shell scripts standing in for packaged agents: the
// trial runs them exactly as it runs a packaged build). Build B replaces build A, A is kept as
// .prev and the agent asks for its restart; a build that fails its trial replaces nothing; a bad
// signature downloads nothing; a build whose bytes differ from its digest is thrown away.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { agentBuildPayload } from '@cellfleet/core';
import type { SignedAction } from '@cellfleet/protocol';
import pino from 'pino';
import { parseConfig } from '../config/load.ts';
import { startTlsServer, type TestTlsServer } from '../link/tls-server.test-support.ts';
import type { ActionOf, StepContext } from './context.ts';
import { openLedger } from './ledger.ts';
import { recoverUpgrade, runUpgrade } from './upgrade.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-upgrade-'));
const keys = generateKeyPairSync('ed25519');
const KEY_ID = 'ed25519:00000000000000aa';
const builds = new Map<string, Buffer>();
const served: string[] = [];
let tls: TestTlsServer;
let config: ReturnType<typeof parseConfig>;

const script = (body: string) => Buffer.from(`#!/bin/sh\n${body}\n`);
const BUILD_A = script('echo "I am build A"');
const BUILD_B = script('[ "$1" = run ] && [ "$4" = --upgrade-trial ] && echo "trial ok" && exit 0\nexit 9');
const BROKEN = script('echo "cannot load my modules" >&2\nexit 3');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function paramsOf(b: Buffer, version: string): ActionOf<'upgrade-agent'>['params'] {
  const signature = sign(null, Buffer.from(agentBuildPayload(sha(b), version)), keys.privateKey).toString(
    'base64',
  );
  return { sha256: sha(b), version, size: b.length, signature, keyId: KEY_ID };
}

function actionOf(params: ActionOf<'upgrade-agent'>['params'], id: string): ActionOf<'upgrade-agent'> {
  return {
    id,
    cell: 'plant1.lineA.press-01',
    window: { start: 0, end: Date.now() + 60_000 },
    expiresAt: Date.now() + 60_000,
    issuedAt: 0,
    proposedBy: 'erin',
    requiredApprovals: 1,
    approvals: [{ by: 'alex', role: 'approver', at: 1 }],
    type: 'upgrade-agent',
    params,
  };
}

function context(binary: string, restarted: () => void): StepContext {
  const ledger = openLedger(join(dir, `ledger-${Math.random()}.db`));
  return {
    config,
    ledger,
    pki: undefined as never,
    log: pino({ level: 'silent' }),
    now: Date.now,
    probe: async () => assert.fail('no probe in an upgrade'),
    reportProbe: () => {},
    pause: async () => {},
    upgrade: { binary, version: '1.0.0', restart: restarted, trialDeadlineMs: 20_000 },
  };
}

/** A fresh folder with build A installed as the service's binary. */
function installed(name: string): string {
  const binary = join(dir, name, 'cellfleet-agent');
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(binary, BUILD_A, { mode: 0o755 });
  return binary;
}

before(async () => {
  tls = await startTlsServer(dir, (req, res) => {
    served.push(`${req.url} ${req.headers.authorization ?? ''}`);
    const body = builds.get(req.url?.split('/').at(-1) ?? '');
    if (!body) res.writeHead(404).end('{}');
    else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  config = parseConfig(
    JSON.stringify({
      identity: { site: 'plant1', line: 'lineA', cell: 'press-01', sisterGroup: 'presses' },
      hub: {
        url: 'mqtt://127.0.0.1:1',
        username: 'plant1.lineA.press-01',
        password: 's3cret',
        actionKeys: [{ keyId: KEY_ID, publicKeyPem: pem }],
        api: { url: tls.url, fingerprint: tls.fingerprint },
      },
      endpoints: [{ name: 'kepware', url: 'opc.tcp://127.0.0.1:49320' }],
    }),
    join(dir, 'agent.yaml'),
  );
});
after(async () => {
  await tls.close();
  rmSync(dir, { recursive: true, force: true });
});

test('build B replaces build A after its trial; A is kept as .prev; the agent asks for a restart', async () => {
  const binary = installed('ab');
  builds.set(sha(BUILD_B), BUILD_B);
  served.length = 0;
  let restart!: () => void;
  const restarted = new Promise<void>((r) => {
    restart = r;
  });
  const ctx = context(binary, restart);
  const action = actionOf(paramsOf(BUILD_B, '1.1.0'), 'act-upgrade-b');
  ctx.ledger.admit(action as SignedAction, 1);
  const outcome = runUpgrade(ctx, action);
  await Promise.race([
    restarted,
    outcome.then((o) => assert.fail(`the upgrade ended without a restart: ${JSON.stringify(o)}`)),
  ]);
  assert.deepEqual(readFileSync(binary), BUILD_B);
  assert.deepEqual(readFileSync(`${binary}.prev`), BUILD_A);
  assert.equal(existsSync(`${binary}.new`), false);
  const basic = Buffer.from('plant1.lineA.press-01:s3cret').toString('base64');
  assert.deepEqual(served, [`/api/agent-builds/${sha(BUILD_B)} Basic ${basic}`]);
  // After the restart the new build settles the action from the ledger by the version it runs.
  const entry = ctx.ledger.interrupted().find((e) => e.id === action.id);
  assert.equal(entry?.state, 'executing');
  const asNew = { ...ctx, upgrade: { ...ctx.upgrade!, version: '1.1.0' } };
  assert.equal(recoverUpgrade(asNew, entry!).outcome, 'succeeded');
  assert.equal(recoverUpgrade(ctx, entry!).outcome, 'rolled-back', 'still the old version: not upgraded');
});

test('a build that fails its trial replaces nothing: rolled-back, the old build stays', async () => {
  const binary = installed('broken');
  builds.set(sha(BROKEN), BROKEN);
  const ctx = context(binary, () => assert.fail('no restart for a broken build'));
  const action = actionOf(paramsOf(BROKEN, '1.2.0'), 'act-upgrade-x');
  ctx.ledger.admit(action as SignedAction, 1);
  const o = await runUpgrade(ctx, action);
  assert.equal(o.outcome, 'rolled-back');
  assert.equal(o.reason, 'trial-failed');
  assert.match(o.detail ?? '', /exited with 3: cannot load my modules; still running 1\.0\.0/);
  assert.deepEqual(readFileSync(binary), BUILD_A);
  assert.equal(existsSync(`${binary}.new`), false);
  assert.equal(existsSync(`${binary}.prev`), false);
});

test('a bad signature downloads nothing; bytes that differ from the digest are thrown away', async () => {
  const binary = installed('bad');
  const ctx = context(binary, () => assert.fail('no restart'));
  served.length = 0;
  const forged = { ...paramsOf(BUILD_B, '1.1.0'), version: '9.9.9' };
  await assert.rejects(runUpgrade(ctx, actionOf(forged, 'act-upgrade-f')), { reason: 'bad-build-signature' });
  assert.deepEqual(served, [], 'not downloaded');
  // The hub serves other bytes under B's digest (a tampered file on its disk).
  builds.set(sha(BUILD_B), BROKEN);
  await assert.rejects(runUpgrade(ctx, actionOf(paramsOf(BUILD_B, '1.1.0'), 'act-upgrade-t')), {
    reason: 'digest-mismatch',
  });
  assert.deepEqual(readFileSync(binary), BUILD_A);
  assert.equal(existsSync(`${binary}.new`), false);
});
