// cellfleet-agent: the only place that reads argv and sets the exit code (run from a checkout;
// the packaged executable starts from bundle-main.ts, which does the same without top-level await).
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
