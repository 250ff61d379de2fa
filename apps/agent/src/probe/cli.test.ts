import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../opcua/testing.ts';
import { trustCommand } from '../trust/cli.ts';
import { probeCommand } from './cli.ts';
import { closedPort } from './raw-peers.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-cli-'));
const pkiDir = join(dir, 'agent-pki');
let server: TestServer;

before(async () => {
  server = await startTestServer({
    dir: join(dir, 'server'),
    users: { op: 'Pa55-w0rd!' },
    productName: 'KEPServerEX/UA Server',
    manufacturerName: 'PTC',
  });
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(cmd: typeof probeCommand, argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (c) => (chunks.out += c));
  stderr.on('data', (c) => (chunks.err += c));
  const code = await cmd(argv, { stdout, stderr });
  return { code, ...chunks };
}

test('usage errors exit 2 and name the flag and value', async () => {
  const a = await run(probeCommand, ['opc.tcp://x:1', '--security', 'max']);
  assert.equal(a.code, 2);
  assert.match(a.err, /--security max/);
  const b = await run(probeCommand, ['opc.tcp://x:1', '--timeout', 'soon']);
  assert.match(b.err, /--timeout soon/);
  assert.equal((await run(probeCommand, [])).code, 2);
  assert.match((await run(probeCommand, ['--bogus', 'x'])).err, /unknown flag --bogus/);
  assert.match((await run(trustCommand, ['zz'])).err, /thumbprint prefix zz/);
});

test('--help teaches: examples, flags, exit codes', async () => {
  const h = await run(probeCommand, ['--help']);
  assert.equal(h.code, 0);
  for (const word of [
    'Examples',
    '--user',
    '--password',
    '--security',
    '--pki',
    '--timeout',
    '--json',
    'Exit codes',
  ]) {
    assert.ok(h.out.includes(word), word);
  }
});

test('closed port: exit 1, steps with ✓/✗, diagnosis and fix steps for the vendor hint', async () => {
  const port = await closedPort();
  const r = await run(probeCommand, [
    `opc.tcp://127.0.0.1:${port}`,
    '--pki',
    pkiDir,
    '--timeout',
    '2000',
    '--vendor',
    'kepware',
  ]);
  assert.equal(r.code, 1);
  assert.match(r.out, /✓ dns/);
  assert.match(r.out, /✗ tcp/);
  assert.match(r.out, /port-closed/);
  assert.match(r.out, /Fix \(KEPServerEX 6\)/);
});

test('no flag: the platform from the URL path ranks its steps first and the output says why; --vendor overrides', async () => {
  const port = await closedPort();
  const url = `opc.tcp://127.0.0.1:${port}/FactoryTalkLinxGateway1`;
  const r = await run(probeCommand, [url, '--pki', pkiDir, '--timeout', '2000']);
  assert.equal(r.code, 1);
  assert.match(
    r.out,
    /Steps for FactoryTalk Linx Gateway first: URL path \/FactoryTalkLinxGateway1 is FactoryTalk Linx Gateway's/,
  );
  const ftlg = r.out.indexOf('Fix (FactoryTalk Linx Gateway)');
  const generic = r.out.indexOf('Fix (PLC / other OPC UA server)');
  assert.ok(ftlg > 0 && generic > ftlg, 'the gateway steps, then the generic ones (medium confidence)');
  assert.doesNotMatch(r.out, /Fix \(KEPServerEX 6\)/);
  const json = JSON.parse(
    (await run(probeCommand, [url, '--pki', pkiDir, '--timeout', '2000', '--json'])).out,
  );
  assert.equal(json.vendor, 'rockwell');
  assert.equal(json.vendorDetection.product, 'ftlg');
  assert.equal(json.vendorDetection.confidence, 'medium');
  assert.match(json.vendorDetection.evidence[0], /URL path/);
  assert.equal(json.diagnosis.remediation[0].product, 'FactoryTalk Linx Gateway');
  assert.equal(json.diagnosis.rankedFor.vendor, 'rockwell');
  const over = await run(probeCommand, [
    url,
    '--pki',
    pkiDir,
    '--timeout',
    '2000',
    '--vendor',
    'wincc-unified',
  ]);
  assert.match(over.out, /Steps for WinCC Unified first: --vendor wincc-unified was given/);
  assert.match(over.out, /Fix \(WinCC Unified\)/);
  assert.doesNotMatch(over.out, /Fix \(FactoryTalk Linx Gateway\)/);
});

test('untrusted server → trust list → trust <prefix> → probe --json ok; password never shown', async () => {
  const args = [server.url, '--pki', pkiDir, '--timeout', '3000', '--user', 'op', '--password', 'Pa55-w0rd!'];
  const first = await run(probeCommand, args);
  assert.equal(first.code, 1);
  assert.match(first.out, /server-cert-untrusted/);
  assert.match(first.out, /cellfleet-agent trust [0-9a-f]{8}/);
  const listed = await run(trustCommand, ['list', '--pki', pkiDir, '--json']);
  const rows = JSON.parse(listed.out).rejected as { thumbprint: string }[];
  assert.equal(rows.length, 1);
  const trusted = await run(trustCommand, [rows[0]?.thumbprint.slice(0, 10) ?? '', '--pki', pkiDir]);
  assert.equal(trusted.code, 0, trusted.err);
  const ok = await run(probeCommand, [...args, '--json']);
  assert.equal(ok.code, 0, ok.out);
  const body = JSON.parse(ok.out);
  assert.equal(body.ok, true);
  assert.equal(body.diagnosis.code, 'ok');
  assert.ok(Array.isArray(body.steps) && Array.isArray(body.findings));
  assert.deepEqual(Object.keys(body.server.buildInfo).slice(0, 4), [
    'productName',
    'manufacturerName',
    'softwareVersion',
    'buildNumber',
  ]);
  const wrong = await run(probeCommand, [
    server.url,
    '--pki',
    pkiDir,
    '--user',
    'op',
    '--password',
    'Wr0ng-Pa55!',
  ]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.out, /bad-credentials/);
  for (const text of [first.out, first.err, ok.out, wrong.out, wrong.err]) {
    assert.ok(!text.includes('Pa55-w0rd!') && !text.includes('Wr0ng-Pa55!'));
  }
});

test('--capture FILE writes pcapng beside a clean --json stdout, without the password (issue 17)', async () => {
  const file = join(dir, 'probe.pcapng');
  const r = await run(probeCommand, [
    server.url,
    '--pki',
    pkiDir,
    '--timeout',
    '3000',
    '--user',
    'op',
    '--password',
    'Pa55-w0rd!',
    '--json',
    '--capture',
    file,
  ]);
  assert.doesNotThrow(() => JSON.parse(r.out), r.out);
  assert.match(r.err, /capture: .*probe\.pcapng \(\d+ bytes, pcapng/);
  const bytes = readFileSync(file);
  assert.equal(bytes.readUInt32LE(0), 0x0a0d0d0a, 'a pcapng section header');
  assert.ok(bytes.includes(Buffer.from('HELF')), 'the Hello is in it');
  assert.ok(!bytes.includes(Buffer.from('Pa55-w0rd!')), 'the password is not');
  assert.equal(statSync(file).mode & 0o077, 0, 'readable by the user only');
});
