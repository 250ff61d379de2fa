// A Node single executable application (Node 24 docs, "Single executable applications"): the
// bundle becomes a blob that postject writes into a copy of the official node binary, and the
// fuse tells that binary to run the blob instead of its own command line.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { inject } from 'postject';

/** The sentinel every official Node binary carries (src/node_sea.cc); postject flips it to :1. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface BlobOptions {
  readonly main: string;
  readonly blob: string;
  readonly configFile: string;
  readonly execArgv: readonly string[];
  readonly assets?: Readonly<Record<string, string>>;
}

/**
 * Writes the SEA blob with the running Node, which must be the version of the target binaries.
 * No code cache and no startup snapshot: both are tied to the platform that made them, and one
 * blob serves Linux and Windows.
 */
export function writeBlob(o: BlobOptions): void {
  const config = {
    main: o.main,
    output: o.blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false,
    execArgv: o.execArgv,
    ...(o.assets ? { assets: o.assets } : {}),
  };
  writeFileSync(o.configFile, `${JSON.stringify(config, null, 2)}\n`);
  execFileSync(process.execPath, ['--experimental-sea-config', o.configFile], { stdio: 'inherit' });
}

export async function injectBlob(o: { base: string; blob: string; out: string }): Promise<void> {
  copyFileSync(o.base, o.out);
  chmodSync(o.out, 0o755);
  await inject(o.out, 'NODE_SEA_BLOB', readFileSync(o.blob), { sentinelFuse: SEA_FUSE });
}
