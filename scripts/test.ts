// `npm test`: lint, purity, types, unit tests beside the code, then end-to-end suites.
// Ends with one line `N passed, N failed[, N skipped]` that CI reads.
//   --unit   unit tests only (fast loop)      --e2e   end-to-end suites only
//   --only <glob>  run just these test files  --no-checks  skip lint and typecheck
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const has = (flag: string) => args.includes(flag);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;

const countFile = join(mkdtempSync(join(tmpdir(), 'cellfleet-test-')), 'counts.jsonl');
const totals = { passed: 0, failed: 0, skipped: 0, failedNames: [] as string[] };

function check(name: string, cmd: string, cmdArgs: string[]): void {
  console.log(`\n▶ ${name}: ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  if (r.status === 0) totals.passed++;
  else {
    totals.failed++;
    totals.failedNames.push(name);
  }
}

function nodeTests(name: string, globs: string[], concurrency: number): void {
  console.log(`\n▶ ${name}`);
  spawnSync(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-timeout=180000',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/count-reporter.ts',
      '--test-reporter-destination=stderr',
      ...globs,
    ],
    { stdio: 'inherit', env: { ...process.env, CELLFLEET_COUNT_FILE: countFile } },
  );
}

const unitGlobs = ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'];
const e2eGlobs = ['tests/src/**/*.test.ts'];

if (only) {
  if (only.includes('ui-')) check('build web UI', 'npm', ['run', 'build', '-w', '@cellfleet/web']);
  nodeTests(`tests matching ${only}`, [only], 1);
} else {
  if (!has('--no-checks') && !has('--e2e')) {
    check('lint', 'npx', ['biome', 'check', '.']);
    check('purity', process.execPath, ['scripts/check-purity.ts']);
    check('imports', process.execPath, ['scripts/check-imports.ts']);
    check('typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']);
    check('typecheck demo/scripts/bench', 'npx', ['tsc', '-p', 'tsconfig.json']);
  }
  if (!has('--e2e')) nodeTests('unit tests', unitGlobs, 2);
  if (!has('--unit')) {
    // The browser suites (tests/src/ui-*) drive the UI the hub serves from apps/web/dist.
    check('build web UI', 'npm', ['run', 'build', '-w', '@cellfleet/web']);
    nodeTests('end-to-end tests', e2eGlobs, 1);
  }
}

if (existsSync(countFile)) {
  for (const line of readFileSync(countFile, 'utf8').split('\n').filter(Boolean)) {
    const c = JSON.parse(line) as typeof totals;
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.skipped;
    totals.failedNames.push(...c.failedNames);
  }
}
if (totals.failedNames.length > 0) console.log(`\nFailed:\n  ${totals.failedNames.join('\n  ')}`);
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 ? 1 : 0);
