// Runs scripts/package.ts into a folder, once per process: the packaging test
// (tests/src/agent-package.test.ts) and bench/agent-memory.ts run the real executables.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const repo = new URL('../../', import.meta.url).pathname;
const built = new Map<string, { dir: string; seconds: number }>();

export interface Packaged {
  readonly dir: string;
  readonly linux: string;
  readonly windows: string;
  /** The bundle the executables carry (dist/build/cellfleet-agent.cjs). */
  readonly bundle: string;
  /** Wall time of the build (node binaries already in the npm cache). */
  readonly seconds: number;
}

export function packageAgent(
  dir: string,
  targets: readonly ('linux-x64' | 'win-x64')[],
  version?: string,
): Packaged {
  const key = `${dir}|${targets.join(',')}|${version ?? ''}`;
  let b = built.get(key);
  if (!b) {
    const started = Date.now();
    execFileSync(
      process.execPath,
      [
        'scripts/package.ts',
        '--out',
        dir,
        ...targets.flatMap((t) => ['--target', t]),
        ...(version ? ['--version', version] : []),
      ],
      { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    b = { dir, seconds: (Date.now() - started) / 1000 };
    built.set(key, b);
  }
  return {
    dir,
    linux: join(dir, 'cellfleet-agent-linux-x64'),
    windows: join(dir, 'cellfleet-agent-win-x64.exe'),
    bundle: join(dir, 'build', 'cellfleet-agent.cjs'),
    seconds: b.seconds,
  };
}
