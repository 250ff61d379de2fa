// Issue 14, item 6, end to end with the packaged executables: an agent enrolled with a token
// runs build A; the hub holds build B (signed by `agent-build add`); an approved upgrade-agent
// action moves the agent to B (it verifies, tries B, swaps, exits 75, and this test restarts it
// the way systemd's Restart=always would); the cell then reports B's version and the run
// succeeded. A deliberately broken build is then refused by its trial: rolled-back, B stays.
// Not run here: a real systemd or Windows service manager doing the restart.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { CellDetail } from '@cellfleet/protocol';
import { freePort, removeDir, tempDir, waitFor } from '@cellfleet/testkit';
import { type Packaged, packageAgent } from '../../scripts/package/build.ts';
import { addActionUsers, approve, propose, settledRun, type Users, windowIn } from './support/actions.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const run = promisify(execFile);
const work = tempDir('upgrade');
const CELL = 'plant1.lineU.press-up';
let a: Packaged;
let b: Packaged;
let hub: TestHub;
let users: Users;
let home: string;
let binary: string;
let child: ChildProcess | undefined;
let stopping = false;
const exits: Array<number | null> = [];
let output = '';

/** What the birth reports for a packaged build: `<version>+<commit>` from its --version line. */
function versionOf(exe: string): string {
  const line = execFileSync(exe, ['--version'], { encoding: 'utf8' });
  const m = /^cellfleet-agent (\S+) \(commit (\S+),/.exec(line);
  assert.ok(m, line);
  return `${m[1]}+${m[2]}`;
}

/** This test is the service manager: it restarts the agent whenever it exits, as Restart=always does. */
function supervise(config: string): void {
  child = spawn(binary, ['run', '--config', config], {
    cwd: home,
    env: { HOME: home, PATH: '/usr/bin:/bin' },
  });
  child.stdout?.on('data', (d) => (output = `${output}${d}`.slice(-20_000)));
  child.stderr?.on('data', (d) => (output = `${output}${d}`.slice(-20_000)));
  child.once('exit', (code) => {
    exits.push(code);
    if (!stopping) setTimeout(() => supervise(config), 500);
  });
}

const agentVersion = async () => (await hub.get<CellDetail>(`/api/cells/${CELL}`)).agentVersion;

async function upgradeTo(build: {
  sha256: string;
  version: string;
  size: number;
  signature: string;
  keyId: string;
}) {
  const id = await propose(hub, users, {
    type: 'upgrade-agent',
    params: build,
    cells: [CELL],
    reason: `upgrade to ${build.version}`,
    window: windowIn(0, 15 * 60_000),
  });
  await approve(hub, users, id);
  return settledRun(hub, id, CELL, (r) => r.state === 'done', 180_000);
}

before(
  async () => {
    // Two real builds of this checkout, told apart by their version.
    a = packageAgent(join(work, 'a'), ['linux-x64'], '0.1.0-a');
    b = packageAgent(join(work, 'b'), ['linux-x64'], '0.1.0-b');
    mkdirSync(join(work, 'hub'));
    hub = await startTestHub({ dir: join(work, 'hub') });
    users = await addActionUsers(hub);
    home = join(work, 'ipc');
    mkdirSync(join(home, 'bin'), { recursive: true });
    binary = join(home, 'bin', 'cellfleet-agent');
    copyFileSync(a.linux, binary);
    const { token } = await hub.hub.services.enrollTokens.create(
      'test-setup',
      {
        site: 'plant1',
        line: 'lineU',
        cell: 'press-up',
        sisterGroup: 'presses',
        endpoints: [{ name: 'kepware', url: `opc.tcp://127.0.0.1:${await freePort()}` }],
        brokerUrl: hub.hub.mqttUrl,
      },
      Date.now(),
    );
    const config = join(home, 'agent.yaml');
    // Not execFileSync: the hub answering the exchange runs in this process.
    await run(binary, ['enroll', '--token', token, '--hub', hub.hub.httpUrl, '--config', config], {
      cwd: home,
      env: { HOME: home, PATH: '/usr/bin:/bin' },
    });
    supervise(config);
  },
  { timeout: 900_000 },
);

after(async () => {
  stopping = true;
  child?.kill('SIGKILL');
  await hub?.stop();
  removeDir(work);
});

test('an approved upgrade-agent moves the agent from build A to build B; a broken build is rolled back', {
  timeout: 600_000,
}, async () => {
  const versionA = versionOf(a.linux);
  const versionB = versionOf(b.linux);
  assert.notEqual(versionA, versionB);
  await waitFor('build A online', async () => (await agentVersion()) === versionA, 60_000).catch((e: Error) =>
    assert.fail(`${e.message}\n${output}`),
  );

  const builtB = await hub.hub.services.builds.add({
    file: b.linux,
    version: versionB,
    actor: 'test',
    now: Date.now(),
  });
  const run = await upgradeTo(builtB).catch((e: Error) => assert.fail(`${e.message}\n${output}`));
  assert.equal(run.outcome, 'succeeded', JSON.stringify(run.result));
  const detail = run.result?.detail ?? '';
  assert.ok(detail.includes(`upgraded from ${versionA} to ${versionB}`), detail);
  assert.equal(await agentVersion(), versionB);
  assert.ok(exits.includes(75), `the agent exited 75 for its restart (exits: ${exits.join(', ')})`);
  assert.deepEqual(readFileSync(binary), readFileSync(b.linux), 'build B is in place');
  assert.deepEqual(readFileSync(`${binary}.prev`), readFileSync(a.linux), 'build A kept as .prev');

  const broken = join(work, 'broken-build');
  writeFileSync(broken, '#!/bin/sh\necho "this build cannot start" >&2\nexit 3\n', { mode: 0o755 });
  const builtX = await hub.hub.services.builds.add({
    file: broken,
    version: '0.1.0-broken',
    actor: 'test',
    now: Date.now(),
  });
  const refused = await upgradeTo(builtX);
  assert.equal(refused.outcome, 'rolled-back', JSON.stringify(refused.result));
  assert.equal(refused.result?.reason, 'trial-failed');
  assert.match(refused.result?.detail ?? '', /exited with 3: this build cannot start/);
  assert.equal(await agentVersion(), versionB, 'still build B');
  assert.deepEqual(readFileSync(binary), readFileSync(b.linux));
});
