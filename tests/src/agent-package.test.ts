// Issue 14: the agent as one executable. Built once for this file by scripts/package.ts (40-60 s
// for both platforms on 2 shared cores, the Node binaries cached by npm), then each
// executable is copied alone into an empty folder with an empty environment and run there:
// nothing of the checkout (no node_modules, no Node on PATH) can help it.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { HOSTILE_SCRIPTS, startHostilePeer, startTestServer } from '@cellfleet/agent';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import type { CellDetail } from '@cellfleet/protocol';
import { freePort, removeDir, tempDir, waitFor } from '@cellfleet/testkit';
import rootPackage from '../../package.json' with { type: 'json' };
import { type Packaged, packageAgent } from '../../scripts/package/build.ts';
import { enrollAgent, startTestHub, type TestHub } from './support/hub.ts';

const run = promisify(execFile);
const VERSION_LINE =
  /^cellfleet-agent \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-dirty)?, built \d{4}-\d\d-\d\dT[\d:.]+Z; node v(\d+\.\d+\.\d+)\)\n$/;

let built: Packaged;
let home: string;
let exe: string;
const work = tempDir('package');

/** Runs the copied executable with nothing but HOME and a PATH without Node. */
async function agent(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { HOME: home, PATH: '/usr/bin:/bin' };
  try {
    const r = await run(exe, args, { cwd: home, env, timeout: 60_000 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof x.code !== 'number') throw e;
    return { code: x.code, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

// The build takes ~45 s alone and ~100 s on 2 cores shared with other suites.
before(
  () => {
    built = packageAgent(join(work, 'dist'), ['linux-x64', 'win-x64']);
    process.stdout.write(`# packaged linux-x64 + win-x64 in ${built.seconds.toFixed(1)} s\n`);
    home = join(work, 'empty');
    mkdirSync(home);
    exe = join(home, 'cellfleet-agent');
    copyFileSync(built.linux, exe);
  },
  { timeout: 600_000 },
);
after(() => removeDir(work));

describe('packaged Linux executable, alone in an empty folder', () => {
  test('--version names version, commit, build date and the pinned Node', async () => {
    const r = await agent('--version');
    assert.equal(r.code, 0, r.err);
    const m = VERSION_LINE.exec(r.out);
    assert.ok(m, r.out);
    assert.equal(m[2], rootPackage.devDependencies.node);
  });

  test('probe of a closed port: exit 1, JSON with the failed tcp rung and port-closed', async () => {
    const port = await freePort();
    const r = await agent('probe', `opc.tcp://127.0.0.1:${port}`, '--json', '--timeout', '3000');
    assert.equal(r.code, 1, r.err);
    const body = JSON.parse(r.out);
    assert.equal(body.ok, false);
    assert.equal(body.diagnosis.code, 'port-closed');
    assert.deepEqual(
      body.steps.map((s: { name: string; ok: boolean }) => [s.name, s.ok]),
      [
        ['url', true],
        ['dns', true],
        ['tcp', false],
      ],
    );
    // node-opcua-pki made the agent's certificate from the bundle alone (no files beside it).
    assert.ok(existsSync(join(home, '.cellfleet/pki/own/certs/client_certificate.pem')));
  });

  // Issue 12: the packaged executable runs its probes in probe hosts too (itself, started with
  // a hidden command): node-opcua crashing on a truncated ERR is a diagnosis, not a dead agent.
  test('a server that crashes node-opcua: exit 1, one JSON document, protocol-violation', async () => {
    const script = HOSTILE_SCRIPTS.find((s) => s.name === 'opn-answered-with-short-err');
    assert.ok(script);
    const server = await startTestServer({ dir: join(work, 'opcua-server') });
    const peer = await startHostilePeer({
      script: script.make(),
      upstream: { host: '127.0.0.1', port: server.port },
    });
    try {
      const r = await agent('probe', peer.url, '--json', '--timeout', '5000');
      assert.equal(r.code, 1, r.err);
      const body = JSON.parse(r.out);
      assert.equal(body.diagnosis.code, 'protocol-violation');
      assert.match(body.steps.at(-1).detail, /node-opcua\) crashed/);
    } finally {
      await peer.close();
      await server.stop();
    }
  });

  test('a malformed URL is bad usage: exit 2', async () => {
    const r = await agent('probe', 'opc.tcp://host:99999');
    assert.equal(r.code, 2);
    assert.match(r.err, /port 99999 out of range/);
  });
});

test('service install --root installs this very executable; status runs it', async () => {
  const root = join(work, 'root');
  mkdirSync(root);
  const config = join(home, 'agent.yaml');
  writeFileSync(
    config,
    'identity: { site: p1, line: l1, cell: c1, sisterGroup: g }\nhub: { url: "mqtt://hub:1883", username: p1.l1.c1, password: s3cret }\nendpoints: [{ name: e, url: "opc.tcp://127.0.0.1:4840" }]\n',
    { mode: 0o600 },
  );
  const installed = await agent('service', 'install', '--config', config, '--root', root);
  assert.equal(installed.code, 0, installed.err + installed.out);
  assert.deepEqual(readFileSync(join(root, 'opt/cellfleet/bin/cellfleet-agent')), readFileSync(exe));
  const status = await agent('service', 'status', '--root', root);
  assert.equal(status.code, 0, status.out);
  assert.match(
    status.out,
    /binary\s+\/opt\/cellfleet\/bin\/cellfleet-agent: cellfleet-agent \d+\.\d+\.\d+ \(commit /,
  );
});

describe('packaged executable runs the agent: online at the hub with a probe and a snapshot', () => {
  let hub: TestHub;
  let cell: RunningCell;
  let child: ChildProcess | undefined;
  before(async () => {
    hub = await startTestHub();
    cell = await startCell({ kind: 'kepware', name: 'press-pkg' });
  });
  after(async () => {
    child?.kill('SIGKILL');
    await hub.stop();
    await cell.stop();
  });

  test('run --config', async () => {
    const a = await enrollAgent(hub, {
      cell: 'press-pkg',
      endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
      trustServers: [cell.serverCertificate()],
    });
    let output = '';
    child = spawn(exe, ['run', '--config', a.configPath], {
      cwd: home,
      env: { HOME: home, PATH: '/usr/bin:/bin' },
    });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const detail = await waitFor('press-pkg online with a probe', async () => {
      const c = await hub.get<CellDetail>(`/api/cells/${a.id}`);
      return c.online && c.lastProbe ? c : undefined;
    });
    assert.equal(detail.lastProbe?.ok, true, output);
    const versions = await waitFor('a snapshot stored', async () => {
      const r = await hub.get<{ versions: unknown[] }>(`/api/cells/${a.id}/snapshots`);
      return r.versions.length > 0 ? r.versions : undefined;
    });
    assert.ok(versions.length >= 1);
  });
});

// Issue 14, item 3: the executable alone in an empty folder, a one-time token and the hub's
// address are all a tech brings to the IPC; no YAML with a secret is copied.
describe('packaged executable enrolls with a one-time token', () => {
  let hub: TestHub;
  let child: ChildProcess | undefined;
  before(async () => {
    hub = await startTestHub();
  });
  after(async () => {
    child?.kill('SIGKILL');
    await hub.stop();
  });

  test('run --enroll-token on first start: config written 0600, online at the hub; the token is spent', async () => {
    const created = await fetch(`${hub.hub.httpUrl}/api/enroll-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        site: 'plant1',
        line: 'lineT',
        cell: 'press-tok',
        sisterGroup: 'presses',
        endpoints: [{ name: 'kepware', url: `opc.tcp://127.0.0.1:${await freePort()}` }],
      }),
    });
    assert.equal(created.status, 201);
    const { token } = (await created.json()) as { token: string };
    const config = join(home, 'token-agent.yaml');
    let output = '';
    child = spawn(exe, ['run', '--config', config, '--enroll-token', token, '--hub', hub.hub.httpUrl], {
      cwd: home,
      env: { HOME: home, PATH: '/usr/bin:/bin' },
    });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const detail = await waitFor(
      'press-tok online',
      async () => {
        const c = await hub.get<CellDetail>('/api/cells/plant1.lineT.press-tok');
        return c.online ? c : undefined;
      },
      60_000,
    ).catch((err: Error) => assert.fail(`${err.message}\n${output}`));
    assert.equal(detail.sisterGroup, 'presses');
    assert.equal(statSync(config).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(config, 'utf8'), new RegExp(token), 'the token is not kept');
    const again = await agent(
      'enroll',
      '--token',
      token,
      '--hub',
      hub.hub.httpUrl,
      '--config',
      join(home, 'again.yaml'),
    );
    assert.equal(again.code, 1, again.err);
    assert.match(again.err, /refused the enrollment \(403\): the enrollment token was already used/);
    assert.equal(existsSync(join(home, 'again.yaml')), false);
  });
});

describe('packaged Windows executable', () => {
  test('carries the same blob, with the SEA fuse set', () => {
    const bytes = readFileSync(built.windows);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'MZ');
    assert.ok(bytes.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1'), 'fuse flipped');
    const blob = readFileSync(join(built.dir, 'build', 'cellfleet-agent-win-x64.blob'));
    assert.ok(bytes.includes(blob), 'the blob is embedded whole');
  });

  test('is a 64-bit Windows console program (PE32+, AMD64, console subsystem)', () => {
    const bytes = readFileSync(built.windows);
    const pe = bytes.readUInt32LE(0x3c);
    assert.equal(bytes.subarray(pe, pe + 4).toString('latin1'), 'PE\0\0');
    assert.equal(bytes.readUInt16LE(pe + 4), 0x8664, 'machine AMD64');
    const optional = pe + 24;
    assert.equal(bytes.readUInt16LE(optional), 0x20b, 'PE32+ optional header');
    assert.equal(
      bytes.readUInt16LE(optional + 68),
      3,
      'IMAGE_SUBSYSTEM_WINDOWS_CUI: stdout works in a console',
    );
  });
  // Running it under wine is `npm run check:wine` (not in npm test: Debian 12's wine 8 cannot
  // start Node 24 at all; see docs/install.md).
});
