// `service install|uninstall|status` on Windows: runs the plan from winsw.ts. Needs an elevated
// prompt (Program Files, ProgramData and the SCM are administrators' business).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { getRawAsset, isSea } from 'node:sea';
import type { CliIO } from '../cli-types.ts';
import { AgentError } from '../errors.ts';
import type { ServiceArgs } from './args.ts';
import { copyAtomic, ensureDir, writeAtomic } from './files.ts';
import { installedConfig } from './installed-config.ts';
import { mustRun, tool } from './run-tool.ts';
import { installCommands, renderWinswXml, SERVICE_ID, uninstallCommands, windowsLayout } from './winsw.ts';

/** --root stands in for the system drive (C:\\) so nothing outside it is touched. */
const layoutOf = (a: ServiceArgs) => windowsLayout(a.root === '/' ? 'C:\\' : a.root);

function wrapperBytes(): Uint8Array {
  if (!isSea())
    throw new AgentError('usage', 'the Windows service wrapper ships inside the packaged .exe only');
  return new Uint8Array(getRawAsset('winsw.exe'));
}

export function installWindows(a: ServiceArgs & { config: string; binary: string }, io: CliIO): number {
  const L = layoutOf(a);
  const cfg = installedConfig(readFileSync(a.config, 'utf8'), a.config, {
    configDir: L.dataRoot,
    stateDir: L.stateDir,
  });
  io.stdout.write(`Installing the Cellfleet agent for ${cfg.cell} as a Windows service:\n`);
  if (existsSync(L.wrapper)) tool(io, 'sc.exe', ['stop', SERVICE_ID]);
  // A running .exe cannot be overwritten on Windows, but it can be renamed aside.
  if (existsSync(L.binary)) renameSync(L.binary, `${L.binary}.old`);
  copyAtomic(a.binary, L.binary, { mode: 0o755 });
  rmSync(`${L.binary}.old`, { force: true });
  writeFileSync(L.wrapper, wrapperBytes());
  writeFileSync(L.wrapperConfig, Buffer.from(getRawAsset('winsw.exe.config')));
  writeAtomic(L.xml, renderWinswXml(L, cfg.cell), { mode: 0o644 });
  ensureDir(L.dataRoot, { mode: 0o755 });
  for (const c of cfg.copies) copyAtomic(c.from, c.to, { mode: 0o644 });
  writeAtomic(L.config, cfg.text, { mode: 0o600 });
  ensureDir(cfg.dataDir, { mode: 0o700 });
  ensureDir(L.logs, { mode: 0o755 });
  for (const line of [`binary   ${L.binary}`, `config   ${L.config}`, `service  ${L.xml}`, ...cfg.notes]) {
    io.stdout.write(`  ${line}\n`);
  }
  for (const c of installCommands(L, a.start)) mustRun(io, c.cmd, c.args);
  io.stdout.write(`
Next:
  sc.exe query ${SERVICE_ID}                                  is it running?
  type "${L.logs}\\cellfleet-agent-service.out.log"           its log
  "${L.binary}" trust list --config "${L.config}"
`);
  return 0;
}

export function uninstallWindows(a: ServiceArgs, io: CliIO): number {
  const L = layoutOf(a);
  for (const c of uninstallCommands(L)) {
    const r = tool(io, c.cmd, c.args);
    if (r.status !== 0) io.stderr.write(`warning: ${r.output}\n`);
  }
  for (const p of [L.wrapper, L.wrapperConfig, L.xml, L.binary]) rmSync(p, { force: true });
  if (a.purge) rmSync(L.dataRoot, { recursive: true, force: true });
  else
    io.stdout.write(
      `Kept ${L.dataRoot} (config, and the agent's certificate in data\\pki); --purge removes it.\n`,
    );
  return 0;
}

export function statusWindows(a: ServiceArgs, io: CliIO): number {
  const L = layoutOf(a);
  const query = tool(io, 'sc.exe', ['query', SERVICE_ID], { quiet: true });
  const qc = tool(io, 'sc.exe', ['qc', SERVICE_ID], { quiet: true });
  const acl = tool(io, 'icacls', [a.config ?? L.config], { quiet: true });
  io.stdout.write(`${query.output}\n${qc.output}\n${acl.output}\n`);
  const problems = [
    ...(query.status === 0 ? [] : [`service ${SERVICE_ID} is not installed`]),
    ...(/Everyone|BUILTIN\\Users|Authenticated Users/i.test(acl.output)
      ? [`${a.config ?? L.config} is readable by ordinary users: run "service install" again to fix its ACL`]
      : []),
  ];
  for (const p of problems) io.stdout.write(`problem: ${p}\n`);
  return problems.length === 0 ? 0 : 1;
}
