// The top-level command table: --version, help and exit codes, and the `bin` that makes
// `npm exec -- cellfleet-agent …` (and the hub's) work in a checkout.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import pkg from '../package.json' with { type: 'json' };
import { main } from './cli.ts';
import { runCli } from './cli-testing.ts';
import { formatVersion } from './version.ts';

const repo = new URL('../../../', import.meta.url).pathname;

const agent = (...argv: string[]) => runCli(main, argv);

test('--version from a checkout names the version and says it is not a packaged build', async () => {
  const r = await agent('--version');
  assert.equal(r.code, 0);
  assert.equal(
    r.out,
    `cellfleet-agent ${pkg.version} (run from a checkout, not a packaged build; node ${process.version})\n`,
  );
});

test('a packaged build prints its commit and build date', () => {
  const line = formatVersion(
    { version: '1.2.3', commit: 'abc1234', date: '2026-12-04T10:00:00Z' },
    'v24.21.0',
  );
  assert.equal(line, 'cellfleet-agent 1.2.3 (commit abc1234, built 2026-12-04T10:00:00Z; node v24.21.0)\n');
});

const EXITS: Array<[string[], number, RegExp, 'out' | 'err']> = [
  [[], 2, /Commands:/, 'out'],
  [['--help'], 0, /cellfleet-agent trust list\|show\|accept\|reject/, 'out'],
  [['frobnicate'], 2, /unknown command "frobnicate"/, 'err'],
  [['run'], 2, /--config FILE is required/, 'err'],
  [['run', '--config', '/nonexistent.yaml'], 2, /cannot read config \(file not found\)/, 'err'],
];

for (const [argv, code, text, stream] of EXITS) {
  test(`cellfleet-agent ${argv.join(' ') || '(nothing)'} → exit ${code}`, async () => {
    const r = await agent(...argv);
    assert.equal(r.code, code, r.err);
    assert.match(r[stream], text);
  });
}

test('npm exec -- cellfleet-agent / cellfleet-hub run the checkout (package.json bin)', () => {
  const run = (...args: string[]) =>
    execFileSync('npm', ['exec', '--', ...args], { cwd: repo, encoding: 'utf8' });
  assert.match(run('cellfleet-agent', '--version'), /^cellfleet-agent \d+\.\d+\.\d+ \(run from a checkout/);
  assert.match(run('cellfleet-hub', '--help'), /^cellfleet-hub — /);
});
