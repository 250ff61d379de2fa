// `npm run package`: the agent as one executable file per platform, runnable from an empty
// directory with no Node and no node_modules (issue 14; docs/install.md):
//   dist/cellfleet-agent-linux-x64, dist/cellfleet-agent-win-x64.exe
// Options: --target linux-x64|win-x64 (repeatable; default both), --out DIR (default dist),
// --version V (what --version and the birth report; default apps/agent's package version).
// Steps: esbuild bundle → SEA blob per platform (the pinned Node 24, which must be the one running
// this; Windows' carries the service wrapper) → postject into the official node binary of each
// platform, fetched by npm into node_modules/.cache/cellfleet-package. Takes ~15 s per target once the binaries are cached.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleAgent, gitCommit } from './package/bundle.ts';
import { AGENT_EXEC_ARGV } from './package/exec-argv.ts';
import { nodeBinary, npmPackage, TARGETS, type Target } from './package/node-binary.ts';
import { injectBlob, writeBlob } from './package/sea.ts';

const repo = resolve(import.meta.dirname, '..');
const readJson = (file: string) => JSON.parse(readFileSync(join(repo, file), 'utf8'));

/** WinSW 1.17 (.NET Framework 4, built into Windows 10 and Server 2016 on). */
const NODE_WINDOWS = '1.0.0-beta.8';

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    out: { type: 'string' },
    version: { type: 'string' },
  },
  strict: true,
});
const targets = (values.target ?? Object.keys(TARGETS)) as Target[];
if (values.version !== undefined && !/^[0-9A-Za-z.+_-]{1,40}$/.test(values.version))
  throw new Error(`--version ${values.version}: letters, digits and . + _ - only`);
for (const t of targets) {
  if (!(t in TARGETS)) throw new Error(`--target ${t}: expected one of ${Object.keys(TARGETS).join(', ')}`);
}
const out = resolve(values.out ?? join(repo, 'dist'));
const work = join(out, 'build');
const cache = join(repo, 'node_modules', '.cache', 'cellfleet-package');
mkdirSync(work, { recursive: true });

const nodeVersion = readJson('package.json').devDependencies.node as string;
if (process.version !== `v${nodeVersion}`) {
  throw new Error(`run with the pinned Node ${nodeVersion} (npm run package), not ${process.version}`);
}
const info = {
  version: values.version ?? (readJson('apps/agent/package.json').version as string),
  commit: gitCommit(repo),
  // SOURCE_DATE_EPOCH (reproducible-builds.org) pins the date for a rebuild of the same commit.
  date: new Date(
    process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) * 1000 : Date.now(),
  ).toISOString(),
};

/**
 * The Windows service wrapper travels inside the .exe (apps/agent/src/service/winsw.ts says why
 * WinSW): its binary and .NET runtime config from the node-windows package, fetched like the
 * node binaries.
 */
function windowsAssets(): Record<string, string> {
  const dir = join(npmPackage(cache, `node-windows@${NODE_WINDOWS}`), 'bin', 'winsw');
  return { 'winsw.exe': join(dir, 'winsw.exe'), 'winsw.exe.config': join(dir, 'winsw.exe.config') };
}

const started = Date.now();
const main = join(work, 'cellfleet-agent.cjs');
await bundleAgent({ entry: join(repo, 'apps/agent/src/bundle-main.ts'), outfile: main, info });
for (const target of targets) {
  const file = join(out, TARGETS[target].out);
  const blob = join(work, `cellfleet-agent-${target}.blob`);
  const assets = target === 'win-x64' ? windowsAssets() : undefined;
  const configFile = join(work, `sea-config-${target}.json`);
  writeBlob({ main, blob, configFile, execArgv: AGENT_EXEC_ARGV, ...(assets ? { assets } : {}) });
  await injectBlob({ base: nodeBinary(cache, target, nodeVersion), blob, out: file });
  const mb = (statSync(file).size / 1e6).toFixed(0);
  process.stdout.write(`${file} (${mb} MB): cellfleet-agent ${info.version} ${info.commit} ${info.date}\n`);
}
process.stdout.write(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
