// `npm run check:wine [-- --exe PATH]`: the Windows agent executable under wine — `--version`,
// then a probe of a closed port must say `port-closed`. Not part of `npm test`: Debian 12's wine
// 8.0 cannot start any Node ≥ 22 (V8 asks VirtualAlloc2 for placeholder memory wine 8 lacks,
// and dies in SegmentedTable::InitializeTable), so on CI machines this check can only say
// "blocked". On wine ≥ 9 (or on Windows itself, without wine) it runs for real.
// Exit codes: 0 passed, 1 failed, 3 blocked by this wine (the reason printed), 2 bad usage.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageAgent } from './package/build.ts';

const run = promisify(execFile);
const WINES = ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine'];
const BLOCKED = /SegmentedTable::InitializeTable|VirtualAlloc2/;

function usage(message: string): never {
  process.stderr.write(
    `check:wine: ${message}\nusage: npm run check:wine [-- --exe dist/cellfleet-agent-win-x64.exe]\n`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const exeAt = args.indexOf('--exe');
const stray = args.find((a, i) => a !== '--exe' && (exeAt < 0 || i !== exeAt + 1));
if (stray !== undefined) usage(`unknown argument "${stray}"`);
const wine = WINES.find((w) => existsSync(w));
if (!wine) usage(`no wine found (looked for ${WINES.join(', ')}); install Debian's wine64`);

const work = mkdtempSync(join(tmpdir(), 'cellfleet-wine-'));
function build(): string {
  process.stdout.write('packaging win-x64 (about a minute)…\n');
  return packageAgent(join(work, 'dist'), ['win-x64']).windows;
}
const exe = exeAt >= 0 ? (args[exeAt + 1] ?? usage('--exe needs a path')) : build();
if (!existsSync(exe)) usage(`--exe ${exe}: no such file`);

// wine 8 reports Windows 7, below Node's floor: the platform check is skipped, not the run.
const env = {
  WINEPREFIX: join(work, 'prefix'),
  WINEDEBUG: '-all',
  NODE_SKIP_PLATFORM_CHECK: '1',
  HOME: work,
  PATH: '/usr/bin:/bin',
};
async function win(...argv: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(wine as string, [exe, ...argv], { env, timeout: 180_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let exit = 0;
try {
  process.stdout.write(`wine: ${wine}\nexe:  ${exe}\n`);
  const v = await win('--version');
  if (BLOCKED.test(v.out)) {
    process.stdout.write(
      'BLOCKED: this wine cannot start Node 24 (V8 could not reserve placeholder memory: SegmentedTable::InitializeTable).\n' +
        'Use wine ≥ 9 or run the executable on Windows: `cellfleet-agent-win-x64.exe --version`.\n',
    );
    exit = 3;
  } else if (v.code !== 0 || !/^cellfleet-agent \d+\.\d+\.\d+ \(commit /.test(v.out)) {
    process.stdout.write(`FAILED --version (exit ${v.code}):\n${v.out}\n`);
    exit = 1;
  } else {
    process.stdout.write(`ok   --version: ${v.out.trim()}\n`);
    const p = await win('probe', `opc.tcp://127.0.0.1:${await closedPort()}`, '--json', '--timeout', '3000');
    let code = '(no JSON)';
    try {
      code = JSON.parse(p.out.slice(p.out.indexOf('{'))).diagnosis.code;
    } catch {}
    if (p.code === 1 && code === 'port-closed')
      process.stdout.write('ok   probe of a closed port: port-closed, exit 1\n');
    else {
      process.stdout.write(`FAILED probe of a closed port: exit ${p.code}, diagnosis ${code}\n${p.out}\n`);
      exit = 1;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(exit);
