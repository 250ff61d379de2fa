// Issue 12, finding 5, end to end: `cellfleet-hub serve --http-tls-cert/--http-tls-key` as a
// real process serves the API and UI over HTTPS only: a client that pins the certificate signs
// in and gets a Secure session cookie and HSTS; plain HTTP on that port gets nowhere.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeDir, tempDir, waitFor } from '@cellfleet/testkit';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = tempDir('https');
const certFile = join(dir, 'hub-cert.pem');
const keyFile = join(dir, 'hub-key.pem');
const db = join(dir, 'hub.db');
let hubProcess: ChildProcess | undefined;
let base = '';
let password = '';
let cert: Buffer;

const hubCli = (args: string[]) =>
  spawnSync(process.execPath, ['apps/hub/src/main.ts', ...args], { cwd: ROOT, encoding: 'utf8' });

before(async () => {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=cellfleet-test-hub'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  cert = (await import('node:fs')).readFileSync(certFile);
  const added = hubCli(['user', 'add', 'erin', '--role', 'engineer', '--db', db]);
  assert.equal(added.status, 0, added.stderr);
  password = /password:\s+(\S+)/.exec(added.stdout)?.[1] ?? '';
  const child = spawn(
    process.execPath,
    [
      ...['apps/hub/src/main.ts', 'serve', '--db', db, '--http-port', '0', '--mqtt-port', '0'],
      ...['--http-tls-cert', certFile, '--http-tls-key', keyFile, '--log-level', 'warn'],
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  hubProcess = child;
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  base = await waitFor(
    'the hub to print its API URL',
    () => /API (https:\/\/\S+?)\/api\/cells/.exec(out)?.[1],
    20_000,
  );
});

after(async () => {
  if (hubProcess && hubProcess.exitCode === null) {
    const exited = new Promise((r) => hubProcess?.once('exit', r));
    hubProcess.kill('SIGTERM');
    await exited;
  }
  removeDir(dir);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(path: string, o: { method?: string; body?: unknown; ca?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method: o.method ?? 'GET',
        ...(o.ca === undefined ? {} : { ca: o.ca }),
        headers: o.body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body === undefined ? undefined : JSON.stringify(o.body));
  });
}

test('the API answers over HTTPS with HSTS; signing in sets a Secure, HttpOnly, SameSite=Strict cookie', async () => {
  assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
  const health = await call('/healthz', { ca: cert });
  assert.equal(health.status, 200);
  assert.match(String(health.headers['strict-transport-security']), /max-age=\d+/);
  const login = await call('/api/auth/login', { method: 'POST', body: { name: 'erin', password }, ca: cert });
  assert.equal(login.status, 200, login.body);
  assert.match(
    String(login.headers['set-cookie']),
    /cellfleet_session=cfs\.[^;]+; Path=\/; HttpOnly; SameSite=Strict; Secure/,
  );
});

test('a client that does not trust the certificate, or speaks plain HTTP, gets nowhere', async () => {
  await assert.rejects(call('/healthz'), /self-signed|unable to verify|certificate/i);
  await assert.rejects(
    fetch(`${base.replace('https:', 'http:')}/healthz`, { signal: AbortSignal.timeout(5000) }),
    'plain HTTP on the HTTPS port',
  );
});
