// Issue 12, finding 2: a password spray must neither freeze the hub nor get to guess freely.
// Sign-in through the HTTP API and the service on SQLite: the account lock (429 + Retry-After,
// the right password included), the per-address limit, failures audited in aggregate, the
// session cookie's Secure flag, and password hashing off the event loop.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { openAuditLog } from '../audit/log.ts';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { AppError } from '../kernel/errors.ts';
import { testKernel } from '../kernel/http.test-support.ts';
import { authRoutes, LOGINS_PER_MINUTE } from './routes.ts';
import { openAuthService } from './service.ts';

async function setup(t: TestContext, o: { passwordLogN?: number; trustProxy?: boolean } = {}) {
  const sql = await openSqliteSql(':memory:');
  const audit = await openAuditLog(sql);
  const clock = { now: Date.parse('2026-03-02T06:00:00Z') };
  const auth = await openAuthService({
    sql,
    audit,
    now: () => clock.now,
    passwordLogN: o.passwordLogN ?? 10,
  });
  const app = await testKernel(auth, o.trustProxy === undefined ? {} : { trustProxy: o.trustProxy });
  await authRoutes(app, auth);
  await app.ready();
  t.after(async () => {
    await app.close();
    await sql.close();
  });
  const { password } = await auth.addUser('admin', 'tina', 'engineer');
  const login = (name: string, pw: string, from = '127.0.0.1', headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name, password: pw },
      remoteAddress: from,
      headers,
    });
  return { sql, audit, auth, app, clock, password, login };
}

test('60 wrong passwords, then the right one: the name is locked (429, Retry-After) until its lock ends', async (t) => {
  const hub = await setup(t);
  const outcomes: string[] = [];
  for (let i = 0; i < 60; i++) {
    const err = await hub.auth.login('tina', `guess-${i}`, '10.0.0.66').catch((e: AppError) => e);
    outcomes.push(err instanceof AppError ? err.code : 'signed in');
  }
  assert.deepEqual(outcomes.slice(0, 5), Array(5).fill('unauthenticated'), 'five are checked; the 5th locks');
  assert.deepEqual(outcomes.slice(5), Array(55).fill('rate-limited'), 'nothing is checked while locked');
  const right = await hub.login('tina', hub.password, '10.0.0.67');
  assert.equal(
    right.statusCode,
    429,
    'the right password waits too: a lock does not say which guess was right',
  );
  assert.equal(right.json().code, 'rate-limited');
  assert.equal(right.headers['retry-after'], '1');
  hub.clock.now += 1000;
  const after = await hub.login('tina', hub.password, '10.0.0.67');
  assert.equal(after.statusCode, 200, 'the lock ends');
  // A right password ends the count: the next wrong one is a first wrong one again.
  assert.equal((await hub.login('tina', 'nope', '10.0.0.67')).statusCode, 401);
  // Names nobody has are locked alike, so a lock does not tell which names exist.
  for (let i = 0; i < 5; i++) await hub.login('ghost', 'x', '10.0.0.68');
  const ghost = await hub.login('ghost', 'x', '10.0.0.68');
  assert.deepEqual([ghost.statusCode, ghost.headers['retry-after']], [429, '1']);
});

test(`one address may try ${LOGINS_PER_MINUTE} sign-ins a minute; then 429 before any password is checked`, async (t) => {
  const hub = await setup(t);
  for (let i = 0; i < LOGINS_PER_MINUTE; i++)
    assert.equal((await hub.login(`user-${i}`, 'x', '10.0.0.5')).statusCode, 401, `attempt ${i + 1}`);
  const over = await hub.login('tina', hub.password, '10.0.0.5');
  assert.equal(over.statusCode, 429);
  assert.equal(over.json().code, 'rate-limited');
  assert.ok(Number(over.headers['retry-after']) >= 1, `Retry-After ${over.headers['retry-after']}`);
  assert.equal(
    (await hub.login('tina', hub.password, '10.0.0.6')).statusCode,
    200,
    'another address signs in',
  );
});

test('behind a trusted proxy the limit counts the client address the proxy names, not the proxy', async (t) => {
  const hub = await setup(t, { trustProxy: true });
  const via = (client: string) => ({ 'x-forwarded-for': client });
  for (let i = 0; i < LOGINS_PER_MINUTE; i++)
    await hub.login(`user-${i}`, 'x', '10.0.0.1', via('192.0.2.10'));
  assert.equal((await hub.login('tina', hub.password, '10.0.0.1', via('192.0.2.10'))).statusCode, 429);
  assert.equal((await hub.login('tina', hub.password, '10.0.0.1', via('192.0.2.11'))).statusCode, 200);
});

test('a spray under 300 names writes a handful of audit rows, none under a name it typed', async (t) => {
  const hub = await setup(t);
  for (let i = 0; i < 300; i++)
    await assert.rejects(hub.auth.login(`spray-${i}`, 'Winter2026!', '198.51.100.7'), /wrong password/);
  for (let i = 0; i < 3; i++) await assert.rejects(hub.auth.login('tina', `guess-${i}`, '198.51.100.7'));
  hub.clock.now += 60_000;
  await hub.auth.flushFailedLogins();
  const failed = (await hub.audit.list()).filter((e) => e.event === 'auth.login-failed');
  assert.deepEqual(
    failed.map((e) => [e.subject, (e.data as { count: number }).count]),
    [
      ['user:(unknown)', 1],
      ['user:tina', 1],
      ['user:(unknown)', 299],
      ['user:tina', 2],
    ],
  );
  assert.ok(failed.every((e) => (e.data as { source: string }).source === '198.51.100.7'));
  const everything = JSON.stringify(await hub.audit.list());
  assert.ok(!everything.includes('spray-'), 'no attacker-chosen name reached the audit log');
});

test('a lock is audited once per lock of a known name; the session cookie is Secure only over TLS', async (t) => {
  const hub = await setup(t, { trustProxy: true });
  for (let i = 0; i < 5; i++) await hub.login('tina', 'x', '10.0.0.9');
  const locks = (await hub.audit.list({ subject: 'user:tina' })).filter((e) => e.event === 'auth.locked');
  assert.deepEqual(
    locks.map((e) => e.data),
    [{ source: '10.0.0.9', lockMs: 1000 }],
  );
  hub.clock.now += 1000;
  const plain = await hub.login('tina', hub.password, '10.0.0.9');
  assert.equal(plain.statusCode, 200);
  assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/);
  const tls = await hub.login('tina', hub.password, '10.0.0.9', { 'x-forwarded-proto': 'https' });
  assert.match(String(tls.headers['set-cookie']), /; Secure/);
});

test('password checks hash off the event loop: timers keep firing while scrypt works', async (t) => {
  // N = 2^16: long enough (tens to hundreds of ms) that a synchronous hash shows as one long gap.
  const hub = await setup(t, { passwordLogN: 16 });
  let last = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const at = performance.now();
    longestGap = Math.max(longestGap, at - last);
    last = at;
  }, 2);
  const started = performance.now();
  await Promise.all(
    ['a', 'b', 'c'].map((n) =>
      assert.rejects(hub.auth.login(`nobody-${n}`, 'x', `10.0.1.${n.charCodeAt(0)}`)),
    ),
  );
  const took = performance.now() - started;
  clearInterval(ticker);
  // Three checks one after another through the gate: the loop must never have been held for
  // anything like one of them (a synchronous scrypt would hold it for about took / 3).
  assert.ok(
    longestGap < Math.max(50, took / 6),
    `longest timer gap ${longestGap.toFixed(0)} ms of ${took.toFixed(0)} ms`,
  );
});
