// `npm run bench`: every bench/*.ts (this file excepted) in its own process, one after the
// other so they do not share the two cores; a failing bench is reported and the rest still run.
// bench/snapshot.ts takes ~10 min: its comparison tables time the straightforward version too.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { embedSnapshotResults } from './lib/report.ts';

const dir = new URL('./', import.meta.url).pathname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'main.ts')
  .sort();
let failed = 0;
for (const f of files) {
  const started = Date.now();
  process.stdout.write(`▶ bench/${f}\n`);
  const r = spawnSync(process.execPath, [`${dir}${f}`], { stdio: 'inherit', timeout: 20 * 60_000 });
  const s = ((Date.now() - started) / 1000).toFixed(0);
  if (r.status === 0) process.stdout.write(`✔ bench/${f} (${s} s)\n`);
  else {
    failed++;
    process.stdout.write(`✖ bench/${f} (${s} s, ${r.signal ?? `exit ${r.status}`})\n`);
  }
}
embedSnapshotResults(`${dir}snapshot-results.md`);
process.stdout.write(`results: BENCHMARKS.md${failed ? `; ${failed} failed` : ''}\n`);
process.exit(failed ? 1 : 0);
