// One CommonJS file from the agent's TypeScript and its dependencies (esbuild). CommonJS because
// a Node 24 single executable application starts its main script as CommonJS.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly date: string;
}

/** The commit the executable was built from; `-dirty` when tracked files differ from it. */
export function gitCommit(repo: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  try {
    const commit = git('rev-parse', '--short=12', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}-dirty`;
  } catch {
    return 'unknown';
  }
}

export async function bundleAgent(o: { entry: string; outfile: string; info: BuildInfo }): Promise<void> {
  const result = await build({
    entryPoints: [o.entry],
    outfile: o.outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // Whitespace and syntax only: stack traces keep their function names, and the source text V8
    // holds for lazy compilation shrinks by about a third.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { CELLFLEET_BUILD: JSON.stringify(o.info) },
    // An optional peer of @ster5/global-mutex (node-opcua-pki's lock), loaded only by a lock
    // provider the agent never selects; it is not installed, so nothing can be bundled.
    external: ['proper-lockfile'],
  });
  if (result.errors.length > 0) throw new Error(`esbuild: ${result.errors.length} error(s)`);
}
