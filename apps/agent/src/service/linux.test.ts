// `service install|status|uninstall` on Linux, into a --root folder: the real file layout,
// modes and owner, the user made by systemd-sysusers, the unit checked by systemd-analyze
// (verify and an offline security review) and enabled by systemctl, all without a running
// systemd. What this container cannot show: the unit started by systemd at boot and restarted
// after a crash (docs/install.md says how to check that on a real machine).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { main } from '../cli.ts';
import { runCli } from '../cli-testing.ts';
import { lookupUser } from './passwd.ts';
import { LINUX_LAYOUT as L } from './systemd-unit.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-service-'));
const root = join(dir, 'root');
const source = join(dir, 'press-01.yaml');
const asRoot = process.getuid?.() === 0;
const has = (tool: string) => spawnSync(tool, ['--version']).status === 0;

const agent = (...argv: string[]) => runCli(main, argv);
const install = () =>
  agent('service', 'install', '--config', source, '--root', root, '--binary', process.execPath);

before(() => {
  mkdirSync(root);
  writeFileSync(
    source,
    `identity: { site: p1, line: l1, cell: press-01, sisterGroup: presses }
hub: { url: "mqtt://hub:1883", username: p1.l1.press-01, password: s3cret }
endpoints: [{ name: kepware, url: "opc.tcp://127.0.0.1:49320" }]
`,
    { mode: 0o644 },
  );
  chmodSync(source, 0o644); // as a tech copies it: world-readable
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('install --root: layout, 600 config owned by the service user, unit enabled', {
  skip: !has('systemctl') && 'systemctl missing',
}, async () => {
  const r = await install();
  assert.equal(r.code, 0, r.err + r.out);
  assert.match(r.err, /press-01\.yaml is mode 644: it holds the hub password and must be 600/);
  const config = statSync(join(root, L.config));
  assert.equal(config.mode & 0o777, 0o600);
  const user = lookupUser(root, L.user);
  assert.ok(user, 'systemd-sysusers created the user in the root');
  if (asRoot) assert.deepEqual([config.uid, config.gid], [user.uid, user.gid]);
  const state = statSync(join(root, L.stateDir));
  assert.equal(state.mode & 0o777, 0o700);
  assert.equal(statSync(join(root, L.binary)).mode & 0o777, 0o755);
  assert.equal(parse(readFileSync(join(root, L.config), 'utf8')).dataDir, L.stateDir);
  assert.ok(lstatSync(join(root, L.wants)).isSymbolicLink(), 'enabled: starts at boot');
  assert.ok(!existsSync(`${join(root, L.binary)}.new`), 'no half-written file left');
});

test('systemd-analyze verify is clean and the security review says OK', {
  skip: !has('systemd-analyze') && 'systemd-analyze missing',
}, () => {
  // verify resolves the unit's dependencies (sysinit.target, …) inside the root.
  cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  const verify = spawnSync('systemd-analyze', ['verify', `--root=${root}`, L.unit], { encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stderr);
  assert.equal(`${verify.stdout}${verify.stderr}`.trim(), '', 'no warnings');
  const security = execFileSync('systemd-analyze', ['security', '--offline=yes', `--root=${root}`, L.unit], {
    encoding: 'utf8',
  });
  const level = /Overall exposure level for cellfleet-agent\.service: ([\d.]+) (\w+)/.exec(security);
  assert.ok(level, security);
  // systemd rates 0-10; "OK" is below 2. The agent needs the network and V8 needs W+X memory.
  assert.equal(level[2], 'OK', security);
});

test('status: sound after install; a world-readable config is a problem (exit 1)', async () => {
  const ok = await agent('service', 'status', '--root', root);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /boot\s+enabled \(starts at boot\)/);
  assert.match(ok.out, new RegExp(`binary\\s+${L.binary}: ${process.version}`));
  chmodSync(join(root, L.config), 0o644);
  const bad = await agent('service', 'status', '--root', root);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /problem: .*agent\.yaml is mode 644: it holds the hub password and must be 600/);
  chmodSync(join(root, L.config), 0o600);
});

test('install again over an installed service: same layout, still 600', async () => {
  const r = await install();
  assert.equal(r.code, 0, r.err);
  assert.equal(statSync(join(root, L.config)).mode & 0o777, 0o600);
});

test('uninstall keeps config and state (the agent certificate); --purge removes them', async () => {
  writeFileSync(join(root, L.stateDir, 'marker'), 'pki lives here');
  const r = await agent('service', 'uninstall', '--root', root);
  assert.equal(r.code, 0, r.err);
  assert.ok(!existsSync(join(root, L.unit)) && !existsSync(join(root, L.binary)));
  assert.ok(lstatSync(join(root, L.wants), { throwIfNoEntry: false }) === undefined, 'disabled');
  assert.ok(existsSync(join(root, L.config)) && existsSync(join(root, L.stateDir, 'marker')));
  await agent('service', 'uninstall', '--root', root, '--purge');
  assert.ok(!existsSync(join(root, L.config)) && !existsSync(join(root, L.stateDir)));
});

const USAGE: Array<[string[], RegExp]> = [
  [['service', 'install', '--root', '/tmp/x'], /service install needs --config FILE/],
  [['service', 'start'], /expected install, uninstall or status, got start/],
  [['service', 'status', '--root', 'relative'], /--root relative: expected an absolute path/],
  [
    ['service', 'install', '--config', '/nonexistent.yaml', '--root', '/tmp/x'],
    /service install installs the packaged executable/,
  ],
];
for (const [argv, message] of USAGE) {
  test(`${argv.join(' ')} → exit 2`, async () => {
    const r = await agent(...argv);
    assert.equal(r.code, 2);
    assert.match(r.err, message);
  });
}
