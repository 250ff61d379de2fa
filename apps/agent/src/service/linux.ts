// `service install|uninstall|status` on Linux: a hardened systemd unit running the packaged
// executable as its own system user. With --root every path lives under that folder and
// systemctl/systemd-sysusers work offline on it (tests, image builds); without it the
// running systemd is told to reload, enable and start.
import { existsSync, lstatSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIO } from '../cli-types.ts';
import { AgentError } from '../errors.ts';
import type { ServiceArgs } from './args.ts';
import { copyAtomic, ensureDir, writeAtomic } from './files.ts';
import { installedConfig, modeProblem } from './installed-config.ts';
import { lookupUser } from './passwd.ts';
import { mustRun, tool } from './run-tool.ts';
import { LINUX_LAYOUT as L, parseSystemdVersion, renderUnit, SYSUSERS } from './systemd-unit.ts';

const onHost = (a: ServiceArgs) => a.root === '/';
const at = (a: ServiceArgs, path: string) => join(a.root, path);
const rootFlag = (a: ServiceArgs) => (onHost(a) ? [] : [`--root=${a.root}`]);

function requireRoot(a: ServiceArgs): void {
  if (onHost(a) && process.getuid?.() !== 0) {
    throw new AgentError('usage', 'service install/uninstall changes /etc and /opt: run it as root (sudo)');
  }
}

export function installLinux(a: ServiceArgs & { config: string; binary: string }, io: CliIO): number {
  requireRoot(a);
  const source = readFileSync(a.config, 'utf8');
  const cfg = installedConfig(source, a.config, { configDir: L.configDir, stateDir: L.stateDir });
  const sourceProblem = modeProblem(a.config, statSync(a.config).mode);
  if (sourceProblem) io.stderr.write(`warning: ${sourceProblem}\n  (the installed copy is 600)\n`);
  io.stdout.write(
    `Installing the Cellfleet agent for ${cfg.cell} as a systemd service${onHost(a) ? '' : ` under ${a.root}`}:\n`,
  );
  writeAtomic(at(a, L.sysusers), SYSUSERS, { mode: 0o644 });
  createUser(a, io);
  const owner = lookupUser(a.root, L.user);
  if (!owner)
    throw new AgentError('io', `user ${L.user} missing from ${at(a, '/etc/passwd')} after creating it`);
  const chown = process.getuid?.() === 0 ? owner : undefined;
  copyAtomic(a.binary, at(a, L.binary), { mode: 0o755 });
  // The agent's user may rename files in its binary folder (and nowhere else under /opt): an
  // upgrade-agent action puts a verified build there (actions/upgrade.ts).
  ensureDir(at(a, L.binDir), { mode: 0o755, owner: chown });
  ensureDir(at(a, L.configDir), { mode: 0o755 });
  for (const c of cfg.copies) copyAtomic(c.from, at(a, c.to), { mode: 0o644 });
  writeAtomic(at(a, L.config), cfg.text, { mode: 0o600, owner: chown });
  ensureDir(at(a, cfg.dataDir), { mode: 0o700, owner: chown });
  const version = parseSystemdVersion(tool(io, 'systemctl', ['--version'], { quiet: true }).output);
  const extra = cfg.dataDir === L.stateDir ? [] : [cfg.dataDir];
  writeAtomic(at(a, L.unit), renderUnit({ cell: cfg.cell, readWritePaths: extra, systemdVersion: version }), {
    mode: 0o644,
  });
  for (const line of [
    `binary   ${L.binary}`,
    `config   ${L.config} (600, owner ${L.user}${chown ? '' : ': not changed, not running as root'})`,
    `unit     ${L.unit}`,
    ...cfg.notes,
  ]) {
    io.stdout.write(`  ${line}\n`);
  }
  if (onHost(a)) {
    const verify = tool(io, 'systemd-analyze', ['verify', L.unit]);
    if (verify.output) io.stderr.write(`warning: systemd-analyze verify:\n${verify.output}\n`);
    mustRun(io, 'systemctl', ['daemon-reload']);
  }
  mustRun(io, 'systemctl', [...rootFlag(a), 'enable', ...(onHost(a) && a.start ? ['--now'] : []), L.service]);
  io.stdout.write(nextSteps());
  return 0;
}

function createUser(a: ServiceArgs, io: CliIO): void {
  const r = tool(io, 'systemd-sysusers', [...rootFlag(a), at(a, L.sysusers)]);
  if (r.status === 0) return;
  if (r.status !== 127) throw new AgentError('io', `systemd-sysusers failed: ${r.output}`);
  if (lookupUser(a.root, L.user)) return;
  mustRun(io, 'useradd', [
    ...(onHost(a) ? [] : ['--root', a.root]),
    '--system',
    '--user-group',
    '--home-dir',
    L.stateDir,
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    L.user,
  ]);
}

const nextSteps = () => `
Next:
  systemctl status ${L.service}           is it running?
  journalctl -u ${L.service} -f           its log
  ${L.binary} service status   this installation, checked
  sudo -u ${L.user} ${L.binary} trust list --config ${L.config}
      server certificates the agent refused, waiting for your decision
`;

export function uninstallLinux(a: ServiceArgs, io: CliIO): number {
  requireRoot(a);
  if (existsSync(at(a, L.unit))) {
    const r = tool(io, 'systemctl', [...rootFlag(a), 'disable', ...(onHost(a) ? ['--now'] : []), L.service]);
    if (r.status !== 0) io.stderr.write(`warning: ${r.output}\n`);
  }
  const removed = [L.unit, L.binary, ...(a.purge ? [L.configDir, L.stateDir, L.sysusers] : [])];
  for (const p of removed) rmSync(at(a, p), { recursive: true, force: true });
  if (onHost(a)) tool(io, 'systemctl', ['daemon-reload']);
  io.stdout.write(`Removed: ${removed.join(', ')}\n`);
  if (!a.purge) {
    io.stdout.write(
      `Kept ${L.config} and ${L.stateDir} (the agent's certificate, trusted by your servers, is in its pki/);\n` +
        `"service uninstall --purge" removes them too. The ${L.user} user stays (userdel ${L.user}).\n`,
    );
  }
  return 0;
}

export function statusLinux(a: ServiceArgs, io: CliIO): number {
  const problems: string[] = [];
  const row = (name: string, value: string) => io.stdout.write(`${name.padEnd(9)} ${value}\n`);
  const unit = existsSync(at(a, L.unit));
  row('unit', `${L.unit}: ${unit ? 'installed' : 'missing'}`);
  if (!unit) problems.push('not installed: cellfleet-agent service install --config FILE');
  // The wants/ link points at /etc/…, which under --root is not where the unit is: test the link.
  const enabled = lstatSync(at(a, L.wants), { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  row('boot', enabled ? 'enabled (starts at boot)' : 'not enabled');
  if (unit && !enabled) problems.push(`not enabled: systemctl enable ${L.service}`);
  const version = tool(io, at(a, L.binary), ['--version'], { quiet: true });
  row('binary', `${L.binary}: ${version.status === 0 ? version.output : `not runnable (${version.output})`}`);
  const config = a.config ?? at(a, L.config);
  if (existsSync(config)) {
    const st = statSync(config);
    const problem = modeProblem(config, st.mode);
    const owner = lookupUser(a.root, L.user);
    row('config', `${config}: mode ${(st.mode & 0o777).toString(8)}, owner uid ${st.uid}`);
    if (problem) problems.push(problem);
    if (owner && st.uid !== owner.uid && st.uid !== 0)
      problems.push(`${config} is owned by uid ${st.uid}, not ${L.user}`);
  } else {
    row('config', `${config}: missing`);
    if (unit) problems.push(`${config} is missing: the service cannot start`);
  }
  row('running', running(a, io));
  for (const p of problems) io.stdout.write(`problem: ${p}\n`);
  return problems.length === 0 ? 0 : 1;
}

function running(a: ServiceArgs, io: CliIO): string {
  if (!onHost(a)) return `not checked (--root ${a.root})`;
  if (!existsSync('/run/systemd/system')) return 'unknown: systemd is not running on this machine';
  const r = tool(io, 'systemctl', ['is-active', L.service], { quiet: true });
  return r.output || 'unknown';
}
