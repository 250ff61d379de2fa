import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { startTestHub, type TestHub } from '../actions/test-support.ts';
import { createAuditLog } from '../audit/log.ts';
import { userCommand } from './cli.ts';
import { createAuthService } from './service.ts';

let hub: TestHub;
before(async () => {
  hub = await startTestHub();
});
after(() => hub.close());

test('every API route needs a token; health does not', async () => {
  assert.equal((await hub.request('nobody', 'GET', '/healthz')).status, 200);
  for (const url of [
    '/api/actions',
    '/api/audit',
    '/api/windows',
    '/api/auth/me',
    '/api/users',
    '/api/action-keys',
  ]) {
    const r = await hub.request('nobody', 'GET', url);
    assert.deepEqual([r.status, r.json.code], [401, 'unauthenticated'], url);
  }
  const bad = await hub.app.inject({
    method: 'GET',
    url: '/api/actions',
    headers: { authorization: 'Bearer cft.000000000000000000.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
  });
  assert.equal(bad.statusCode, 401);
});

test('login returns a session token and cookie; wrong passwords are refused and audited', async () => {
  const { password } = hub.auth.addUser('admin', 'tina', 'engineer');
  const wrong = await hub.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { name: 'tina', password: 'guess' },
  });
  assert.equal(wrong.statusCode, 401);
  const unknown = await hub.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { name: 'nobody', password: 'x' },
  });
  assert.equal(unknown.statusCode, 401);
  assert.deepEqual(
    hub.audit.list({ subject: 'user:tina' }).map((e) => e.event),
    ['user.created', 'auth.login-failed'],
  );

  const ok = await hub.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { name: 'tina', password },
  });
  assert.equal(ok.statusCode, 200);
  const { token, user } = ok.json();
  assert.equal(user.role, 'engineer');
  assert.match(String(ok.headers['set-cookie']), /cellfleet_session=cfs\..*HttpOnly; SameSite=Strict/);
  const me = await hub.app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(me.json().name, 'tina');
  const byCookie = await hub.app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { cookie: `cellfleet_session=${token}` },
  });
  assert.equal(byCookie.statusCode, 200);
  await hub.app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: { authorization: `Bearer ${token}` },
  });
  const afterLogout = await hub.app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(afterLogout.statusCode, 401);
});

test('sessions expire', async () => {
  const { password } = hub.auth.addUser('admin', 'sam', 'viewer');
  const { token } = hub.auth.login('sam', password);
  assert.ok(hub.auth.authenticate(token));
  hub.clock.now += 13 * 3600_000;
  assert.equal(hub.auth.authenticate(token), undefined);
});

test('only admins manage users; disabling a user revokes their tokens', async () => {
  assert.equal((await hub.request('ann', 'GET', '/api/users')).status, 403);
  assert.equal((await hub.request('ann', 'POST', '/api/users', { name: 'x', role: 'admin' })).status, 403);
  const created = await hub.request<{ password: string; token: string }>('admin', 'POST', '/api/users', {
    name: 'newbie',
    role: 'viewer',
  });
  assert.equal(created.status, 201);
  hub.tokens['newbie'] = created.json.token;
  assert.equal((await hub.request('newbie', 'GET', '/api/actions')).status, 200);
  const dup = await hub.request('admin', 'POST', '/api/users', { name: 'newbie', role: 'viewer' });
  assert.equal(dup.status, 409);
  const disabled = await hub.request('admin', 'PATCH', '/api/users/newbie', { disabled: true });
  assert.equal(disabled.json['disabled'], true);
  assert.equal((await hub.request('newbie', 'GET', '/api/actions')).status, 401);
  const promote = await hub.request('admin', 'PATCH', '/api/users/vic', { role: 'engineer' });
  assert.equal(promote.json['role'], 'engineer');
  await hub.request('admin', 'PATCH', '/api/users/vic', { role: 'viewer' });
});

test('secrets are stored as salted scrypt hashes, never in clear', () => {
  const rows = hub.db.prepare('SELECT password_hash FROM auth_users').all() as { password_hash: string }[];
  const hashes = rows.map((r) => r.password_hash);
  assert.ok(hashes.every((h) => h.startsWith('scrypt$10$8$1$')));
  assert.equal(new Set(hashes.map((h) => h.split('$')[4])).size, hashes.length, 'one salt per secret');
  const tokens = hub.db.prepare('SELECT secret_hash FROM auth_tokens').all() as { secret_hash: string }[];
  const secret = hub.tokens['erin']!.split('.')[2]!;
  assert.ok(tokens.every((t) => t.secret_hash.startsWith('scrypt$') && !t.secret_hash.includes(secret)));
});

test('cellfleet-hub user add prints a password and token once; they work; no default admin exists', async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'cf-users-')), 'hub.db');
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), now: () => 1000 };
  assert.equal(await userCommand(['list', '--db', dbPath], io), 0);
  assert.equal(out.join(''), '', 'no users until someone adds one');
  assert.equal(await userCommand(['add', 'root', '--role', 'admin', '--db', dbPath], io), 0);
  const text = out.join('');
  const password = /password: +(\S+)/.exec(text)?.[1] ?? '';
  const token = /API token: +(\S+)/.exec(text)?.[1] ?? '';
  assert.equal(await userCommand(['add', 'root', '--role', 'admin', '--db', dbPath], io), 1);
  assert.rejects(
    () => userCommand(['add', 'x', '--role', 'king', '--db', dbPath], io),
    /--role must be one of/,
  );
  const db = new DatabaseSync(dbPath);
  const auth = createAuthService({ db, audit: createAuditLog(db), now: () => 1000 });
  assert.deepEqual(auth.authenticate(token), { name: 'root', role: 'admin' });
  assert.equal(auth.login('root', password).user.name, 'root');
  db.close();
});
