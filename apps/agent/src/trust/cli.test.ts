// `trust` against the PKI `run` uses: a config's <dataDir>/pki, with hints that work when pasted
// into a shell (the folder below has a space in its name on purpose).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../cli.ts';
import { runCli } from '../cli-testing.ts';
import { openAgentPki, runtimePkiDir } from '../pki/pki.ts';

const root = mkdtempSync(join(tmpdir(), 'cellfleet trust-'));
const configFile = join(root, 'agent.yaml');
const dataDir = join(root, 'state');
const mainTs = new URL('../main.ts', import.meta.url).pathname;
let thumbprint = '';

/** Runs a command line as printed, through a real shell, with `cellfleet-agent` → this checkout. */
function paste(line: string): string {
  const command = line.replace(/^.*?cellfleet-agent /, `"${process.execPath}" "${mainTs}" `);
  return execFileSync('sh', ['-c', command], { encoding: 'utf8' });
}

const agent = (...argv: string[]) => runCli(main, argv);

before(async () => {
  writeFileSync(
    configFile,
    `identity: { site: p1, line: l1, cell: c1, sisterGroup: g }
hub: { url: "mqtt://127.0.0.1:1", username: p1.l1.c1, password: s3cret }
endpoints: [{ name: kepware, url: "opc.tcp://127.0.0.1:49320" }]
dataDir: ./state
`,
  );
  // A server's certificate, refused by the agent's runtime PKI as a probe would refuse it.
  const server = await openAgentPki({ dir: join(root, 'server-pki'), disableFileWatchers: true });
  thumbprint = server.certificate.thumbprint;
  mkdirSync(dataDir, { recursive: true });
  const runtime = await openAgentPki({ dir: runtimePkiDir(dataDir), disableFileWatchers: true });
  await runtime.reject(server.certificate.der);
  await Promise.all([server.dispose(), runtime.dispose()]);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('list --config shows what run refused, in <dataDir>/pki, and the hint works pasted', async () => {
  const listed = await agent('trust', 'list', '--config', configFile);
  assert.equal(listed.code, 0, listed.err);
  assert.ok(listed.out.includes(runtimePkiDir(dataDir)), listed.out);
  const hint = listed.out.split('\n').find((l) => l.startsWith('Trust one with:')) ?? '';
  assert.match(hint, /cellfleet-agent trust accept <thumbprint-prefix> --config '.*agent\.yaml'$/);
  const accepted = paste(hint.replace('<thumbprint-prefix>', thumbprint.slice(0, 8)));
  assert.match(accepted, /^Trusted /);
  const json = JSON.parse((await agent('trust', 'list', '--json', '--config', configFile)).out);
  assert.deepEqual(
    [json.rejected.length, json.trusted.map((c: { thumbprint: string }) => c.thumbprint)],
    [0, [thumbprint]],
  );
});

test('show, reject and accept again; the undo hint works pasted', async () => {
  const prefix = thumbprint.slice(0, 6).toUpperCase();
  const shown = JSON.parse((await agent('trust', 'show', prefix, '--json', '--config', configFile)).out);
  assert.equal(shown.status, 'trusted');
  assert.equal(shown.thumbprint, thumbprint);
  const rejected = await agent('trust', 'reject', prefix, '--config', configFile);
  assert.equal(rejected.code, 0, rejected.err);
  assert.equal(
    JSON.parse((await agent('trust', 'show', prefix, '--json', '--config', configFile)).out).status,
    'rejected',
  );
  const undo = rejected.out.split('\n').find((l) => l.startsWith('Undo with:')) ?? '';
  assert.match(paste(undo), /^Trusted /);
  const again = await agent('trust', 'accept', prefix, '--config', configFile);
  assert.match(again.out, /^Already trusted/);
});

test('--pki: the hints repeat --pki, and a missing certificate points to list with it', async () => {
  const pki = join(root, 'cli pki');
  const empty = await agent('trust', 'list', '--pki', pki);
  assert.match(empty.out, /No rejected server certificates/);
  const missing = await agent('trust', 'accept', 'abcd12', '--pki', pki);
  assert.equal(missing.code, 1);
  assert.ok(missing.err.includes(`run: cellfleet-agent trust list --pki '${pki}'`), missing.err);
  assert.match(paste(missing.err.replace(/^.*run: /s, '').trim()), /No rejected server certificates/);
});

const USAGE: Array<[string, string[], RegExp, number]> = [
  [
    '--config and --pki together',
    ['list', '--config', 'a.yaml', '--pki', 'x'],
    /--config and --pki both given/,
    2,
  ],
  ['a prefix that is not hex', ['accept', 'zz'], /thumbprint prefix zz: expected at least 4 hex digits/, 2],
  ['show without a prefix', ['show'], /trust show needs a thumbprint prefix/, 2],
  ['list with an argument', ['list', 'abcd'], /trust list takes no argument/, 2],
  ['an unknown flag', ['list', '--bogus'], /Unknown option '--bogus'/, 2],
  [
    'a config that does not exist',
    ['list', '--config', '/nonexistent/agent.yaml'],
    /agent\.yaml: cannot read config \(file not found\)/,
    2,
  ],
];

for (const [name, argv, message, code] of USAGE) {
  test(`trust: ${name} → exit ${code}`, async () => {
    const r = await agent('trust', ...argv);
    assert.equal(r.code, code, r.out);
    assert.match(r.err, message);
  });
}
