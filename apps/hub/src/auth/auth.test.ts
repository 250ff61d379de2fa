// Users, sessions and tokens on both stores, through the HTTP API and the service; then two
// hub replicas on one PostgreSQL database (a session from one works on the other, a disable on
// one is honoured by both), and the `user` CLI on a file and on PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import type { Role } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { type AuditLog, openAuditLog } from '../audit/log.ts';
import { auditRoutes } from '../audit/routes.ts';
import { type OpenSql, onBothDialects, onSharedPostgres } from '../db/dialects.test-support.ts';
import { openPgSql } from '../db/pg-sql.ts';
import type { Sql } from '../db/sql.ts';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { memoryIo } from '../kernel/cli.test-support.ts';
import { runCommand } from '../kernel/cli.ts';
import { testKernel } from '../kernel/http.test-support.ts';
import { userCommand } from './cli.ts';
import { authRoutes } from './routes.ts';
import { type AuthService, openAuthService } from './service.ts';

const USERS: Record<string, Role> = { admin: 'admin', erin: 'engineer', ann: 'approver', vic: 'viewer' };

interface Hub {
  readonly sql: Sql;
  readonly audit: AuditLog;
  readonly auth: AuthService;
  readonly clock: { now: number };
}

async function services(sql: Sql, clock = { now: Date.parse('2025-06-14T12:00:00Z') }): Promise<Hub> {
  const audit = await openAuditLog(sql);
  const auth = await openAuthService({ sql, audit, now: () => clock.now, passwordLogN: 10 });
  return { sql, audit, auth, clock };
}

interface ApiHub extends Hub {
  readonly app: FastifyInstance;
  /** API tokens by user name (the USERS above). */
  readonly tokens: Record<string, string>;
  request(user: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: object): Promise<Reply>;
}

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

async function apiHub(t: TestContext, open: OpenSql): Promise<ApiHub> {
  const sql = await open();
  const hub = await services(sql);
  const app = await testKernel(hub.auth);
  t.after(async () => {
    await app.close();
    await sql.close();
  });
  app.get('/healthz', () => ({ ok: true }));
  authRoutes(app, hub.auth);
  auditRoutes(app, hub.audit);
  await app.ready();
  const tokens: Record<string, string> = {};
  for (const [name, role] of Object.entries(USERS))
    tokens[name] = (await hub.auth.addUser('test', name, role)).token;
  return {
    ...hub,
    app,
    tokens,
    async request(user, method, url, body) {
      const headers = tokens[user] ? { authorization: `Bearer ${tokens[user]}` } : {};
      const r = await app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
      return { status: r.statusCode, json: r.body ? r.json() : {} };
    },
  };
}

async function opened(t: TestContext, open: OpenSql): Promise<Hub> {
  const sql = await open();
  t.after(() => sql.close());
  return services(sql);
}

onBothDialects('auth', (open) => {
  test('every API route needs a valid token; health does not', async (t) => {
    const hub = await apiHub(t, open);
    assert.equal((await hub.request('nobody', 'GET', '/healthz')).status, 200);
    for (const url of ['/api/audit', '/api/auth/me', '/api/users']) {
      const r = await hub.request('nobody', 'GET', url);
      assert.deepEqual([r.status, r.json['code']], [401, 'unauthenticated'], url);
    }
    const forged = `cft.${'0'.repeat(18)}.${'x'.repeat(43)}`;
    const bad = await hub.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${forged}` },
    });
    assert.equal(bad.statusCode, 401);
    const wrongSecret = `${hub.tokens['vic']!.slice(0, -1)}${hub.tokens['vic']!.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(await hub.auth.authenticate(wrongSecret), undefined, 'right id, wrong secret');
    assert.equal((await hub.request('vic', 'GET', '/api/auth/me')).json['name'], 'vic');
  });

  test('login returns a session token and cookie; wrong passwords are refused and audited; logout ends it', async (t) => {
    const hub = await apiHub(t, open);
    const { password } = await hub.auth.addUser('admin', 'tina', 'engineer');
    const login = (name: string, pw: string) =>
      hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name, password: pw } });
    assert.equal((await login('tina', 'guess')).statusCode, 401);
    assert.equal((await login('nobody', 'x')).statusCode, 401);
    assert.deepEqual(
      (await hub.audit.list({ subject: 'user:tina' })).map((e) => e.event),
      ['user.created', 'auth.login-failed'],
    );

    const ok = await login('tina', password);
    assert.equal(ok.statusCode, 200);
    const { token, user } = ok.json();
    assert.equal(user.role, 'engineer');
    assert.match(String(ok.headers['set-cookie']), /cellfleet_session=cfs\..*HttpOnly; SameSite=Strict/);
    assert.equal((await hub.audit.list({ subject: 'user:tina' })).at(-1)?.event, 'auth.login');
    const me = (headers: Record<string, string>) =>
      hub.app.inject({ method: 'GET', url: '/api/auth/me', headers });
    assert.equal((await me({ authorization: `Bearer ${token}` })).json().name, 'tina');
    assert.equal((await me({ cookie: `cellfleet_session=${token}` })).statusCode, 200);
    await hub.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal((await me({ authorization: `Bearer ${token}` })).statusCode, 401);
  });

  test('sessions expire; API tokens do not', async (t) => {
    const hub = await opened(t, open);
    const { password, token: api } = await hub.auth.addUser('admin', 'sam', 'viewer');
    const { token, expiresAt } = await hub.auth.login('sam', password);
    assert.equal(expiresAt, hub.clock.now + 12 * 3600_000);
    assert.deepEqual(await hub.auth.authenticate(token), { name: 'sam', role: 'viewer' });
    hub.clock.now += 13 * 3600_000;
    assert.equal(await hub.auth.authenticate(token), undefined);
    assert.deepEqual(await hub.auth.authenticate(api), { name: 'sam', role: 'viewer' });
  });

  test('only admins manage users; disabling a user revokes their tokens, enabling does not revive them', async (t) => {
    const hub = await apiHub(t, open);
    assert.equal((await hub.request('ann', 'GET', '/api/users')).status, 403);
    assert.equal((await hub.request('ann', 'POST', '/api/users', { name: 'x', role: 'admin' })).status, 403);
    const created = await hub.request('admin', 'POST', '/api/users', { name: 'newbie', role: 'viewer' });
    assert.equal(created.status, 201);
    hub.tokens['newbie'] = String(created.json['token']);
    assert.equal((await hub.request('newbie', 'GET', '/api/auth/me')).status, 200);
    const dup = await hub.request('admin', 'POST', '/api/users', { name: 'newbie', role: 'viewer' });
    assert.deepEqual([dup.status, dup.json['field']], [409, 'name']);
    const disabled = await hub.request('admin', 'PATCH', '/api/users/newbie', { disabled: true });
    assert.equal(disabled.json['disabled'], true);
    assert.equal((await hub.request('newbie', 'GET', '/api/auth/me')).status, 401);
    await hub.request('admin', 'PATCH', '/api/users/newbie', { disabled: false });
    assert.equal((await hub.request('newbie', 'GET', '/api/auth/me')).status, 401, 'revoked for good');
    const fresh = await hub.request('admin', 'POST', '/api/users/newbie/tokens');
    hub.tokens['newbie'] = String(fresh.json['token']);
    assert.equal((await hub.request('newbie', 'GET', '/api/auth/me')).status, 200, 'a new token works');
    const promote = await hub.request('admin', 'PATCH', '/api/users/vic', { role: 'engineer' });
    assert.equal(promote.json['role'], 'engineer');
    assert.equal((await hub.request('admin', 'PATCH', '/api/users/ghost', { role: 'viewer' })).status, 404);
    const listed = await hub.request('admin', 'GET', '/api/users');
    assert.deepEqual(
      (listed.json as unknown as { name: string }[]).map((u) => u.name),
      ['admin', 'ann', 'erin', 'newbie', 'vic'],
    );
  });

  test('a disabled user cannot log in; a password reset ends sessions and keeps API tokens', async (t) => {
    const hub = await opened(t, open);
    const { password, token: api } = await hub.auth.addUser('admin', 'pat', 'engineer');
    const session = (await hub.auth.login('pat', password)).token;
    const fresh = await hub.auth.resetPassword('admin', 'pat');
    assert.equal(await hub.auth.authenticate(session), undefined);
    assert.ok(await hub.auth.authenticate(api));
    await assert.rejects(hub.auth.login('pat', password), /wrong password/);
    assert.ok((await hub.auth.login('pat', fresh)).token);
    await hub.auth.updateUser('admin', 'pat', { disabled: true });
    await assert.rejects(hub.auth.login('pat', fresh), /wrong password/);
    await assert.rejects(hub.auth.resetPassword('admin', 'ghost'), /no user "ghost"/);
    assert.deepEqual(
      (await hub.audit.list({ subject: 'user:pat' })).map((e) => e.event),
      [
        'user.created',
        'auth.login',
        'user.password-reset',
        'auth.login-failed',
        'auth.login',
        'user.updated',
        'auth.login-failed',
      ],
    );
  });

  test('there is no default user', async (t) => {
    const hub = await opened(t, open);
    assert.deepEqual(await hub.auth.listUsers(), []);
    await assert.rejects(hub.auth.login('admin', 'admin'), /unknown user or wrong password/);
  });

  test('a change and its audit record commit together: no user when the audit append fails', async (t) => {
    const sql = await open();
    t.after(() => sql.close());
    const audit = await openAuditLog(sql);
    const failing: AuditLog = {
      ...audit,
      append: async () => {
        throw new Error('audit unavailable');
      },
    };
    const auth = await openAuthService({ sql, audit: failing, now: () => 1, passwordLogN: 10 });
    await assert.rejects(auth.addUser('admin', 'lost', 'viewer'), /audit unavailable/);
    assert.equal(await auth.getUser('lost'), undefined);
    const tokens = await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM auth_tokens');
    assert.equal(tokens?.n, 0, 'the API token went with it');
  });

  test('the same name added twice at once: one user, one conflict', async (t) => {
    const hub = await opened(t, open);
    const results = await Promise.allSettled([
      hub.auth.addUser('admin', 'twin', 'viewer'),
      hub.auth.addUser('admin', 'twin', 'admin'),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected');
    assert.match(String(refused?.reason), /user "twin" exists/);
    assert.equal((await hub.audit.list({ subject: 'user:twin' })).length, 1);
  });

  test('secrets are stored as salted scrypt hashes, never in clear', async (t) => {
    const hub = await opened(t, open);
    const { password, token } = await hub.auth.addUser('admin', 'erin', 'engineer');
    await hub.auth.addUser('admin', 'ann', 'approver');
    const hashes = (await hub.sql.all<{ password_hash: string }>('SELECT password_hash FROM auth_users')).map(
      (r) => r.password_hash,
    );
    assert.ok(hashes.every((h) => h.startsWith('scrypt$10$8$1$') && !h.includes(password)));
    assert.equal(new Set(hashes.map((h) => h.split('$')[4])).size, 2, 'one salt per secret');
    const secret = token.split('.')[2]!;
    const stored = await hub.sql.all<{ secret_hash: string }>('SELECT secret_hash FROM auth_tokens');
    assert.ok(stored.every((t) => t.secret_hash.startsWith('scrypt$10$') && !t.secret_hash.includes(secret)));
  });
});

onSharedPostgres('auth shared by two replicas (PostgreSQL)', (pg) => {
  /** Two hubs on one database, as two stateless replicas behind a load balancer would be. */
  async function replicas(t: TestContext): Promise<[Hub, Hub]> {
    const sqls = await pg.replicas(t, 2);
    const clock = { now: Date.parse('2025-06-14T12:00:00Z') };
    return [await services(sqls[0]!, clock), await services(sqls[1]!, clock)];
  }

  test('a session issued by replica A authenticates on replica B; logout on B ends it on A', async (t) => {
    const [a, b] = await replicas(t);
    const { password } = await a.auth.addUser('admin', 'tina', 'engineer');
    const { token } = await a.auth.login('tina', password);
    assert.deepEqual(await b.auth.authenticate(token), { name: 'tina', role: 'engineer' });
    await b.auth.logout(token);
    assert.equal(await a.auth.authenticate(token), undefined);
  });

  test('a user disabled via replica A is refused on replica B, tokens and login alike', async (t) => {
    const [a, b] = await replicas(t);
    const { password, token: api } = await a.auth.addUser('admin', 'sam', 'viewer');
    const { token: session } = await b.auth.login('sam', password);
    assert.ok(await b.auth.authenticate(api));
    await a.auth.updateUser('admin', 'sam', { disabled: true });
    assert.equal(await b.auth.authenticate(api), undefined);
    assert.equal(await b.auth.authenticate(session), undefined);
    await assert.rejects(b.auth.login('sam', password), /unknown user or wrong password/);
    assert.equal((await b.auth.getUser('sam'))?.disabled, true);
  });

  test('both replicas adding the same name at once: one user, one conflict, one audit chain', async (t) => {
    const [a, b] = await replicas(t);
    const results = await Promise.allSettled([
      a.auth.addUser('admin', 'twin', 'viewer'),
      b.auth.addUser('admin', 'twin', 'admin'),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.match(String(results.find((r) => r.status === 'rejected')?.reason), /user "twin" exists/);
    const v = await b.audit.verify();
    assert.deepEqual([v.ok, v.count], [true, 1]);
  });

  test('cellfleet-hub user --pg-url adds a user the hub then authenticates', async () => {
    const url = await pg.database('usercli');
    const { code, text } = await user(['add', 'root', '--role', 'admin', '--pg-url', url]);
    assert.equal(code, 0);
    const sql = await openPgSql(url, 2);
    try {
      const hub = await services(sql);
      assert.deepEqual(await hub.auth.authenticate(tokenIn(text)), { name: 'root', role: 'admin' });
      assert.equal((await hub.audit.list())[0]?.actor.startsWith('cli:'), true);
    } finally {
      await sql.close();
    }
  });
});

async function user(argv: string[]): Promise<{ code: number; text: string }> {
  const io = memoryIo({ now: () => 1000 });
  const code = await runCommand('user', userCommand, argv, io);
  return { code, text: io.text() };
}

const tokenIn = (text: string) => /API token: +(\S+)/.exec(text)?.[1] ?? '';

describe('cellfleet-hub user (SQLite file)', () => {
  test('add prints a password and token once; they work; no default admin exists', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'cf-users-')), 'hub.db');
    const db = ['--db', dbPath];
    assert.deepEqual(await user(['list', ...db]), { code: 0, text: '' }, 'no users until someone adds one');
    const added = await user(['add', 'root', '--role', 'admin', ...db]);
    assert.equal(added.code, 0);
    const password = /password: +(\S+)/.exec(added.text)?.[1] ?? '';
    assert.deepEqual(await user(['add', 'root', '--role', 'admin', ...db]), {
      code: 1,
      text: 'cellfleet-hub user: user "root" exists\n',
    });
    const king = await user(['add', 'x', '--role', 'king', ...db]);
    assert.equal(king.code, 2);
    assert.match(king.text, /--role must be one of/);
    assert.equal((await user(['disable', 'root', ...db])).code, 0);
    assert.match((await user(['list', ...db])).text, /^root\tadmin\tdisabled\n$/);
    assert.equal((await user(['enable', 'root', ...db])).code, 0);

    const sql = await openSqliteSql(dbPath);
    try {
      const hub = await services(sql);
      assert.equal(await hub.auth.authenticate(tokenIn(added.text)), undefined, 'disable revoked it');
      assert.equal((await hub.auth.login('root', password)).user.name, 'root');
    } finally {
      await sql.close();
    }
    const help = await user([]);
    assert.equal(help.code, 2);
    assert.match(help.text, /--pg-url URL/);
  });
});
