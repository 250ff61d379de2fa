// Entry point of the packaged executable (scripts/package.ts bundles this file): main.ts without
// top-level await, which esbuild cannot emit as CommonJS, the only format a Node 24 single
// executable application starts.
import { main } from './cli.ts';

void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
