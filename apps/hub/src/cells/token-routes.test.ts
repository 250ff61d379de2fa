// POST /api/enroll through the real HTTP kernel: the exchange needs no caller, answers a spent
// token with 403 (audited), and a source address that keeps trying gets 429 with Retry-After
// while an admin's token routes are not counted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openAuditLog } from '../audit/index.ts';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { testKernel } from '../kernel/http.test-support.ts';
import { openCellStore } from './store.ts';
import { enrollRoutes } from './token-routes.ts';
import { type EnrollTokenService, openEnrollTokens } from './tokens.ts';

const ADMIN = 'admin-token';
let app: FastifyInstance;
let tokens: EnrollTokenService;
let audit: Awaited<ReturnType<typeof openAuditLog>>;

before(async () => {
  const sql = await openSqliteSql(':memory:');
  audit = await openAuditLog(sql);
  tokens = await openEnrollTokens({
    sql,
    cells: await openCellStore(sql),
    audit,
    actionKeys: async () => [],
  });
  app = await testKernel({
    authenticate: async (t) => (t === ADMIN ? { name: 'ada', role: 'admin' } : undefined),
  });
  await enrollRoutes(app, {
    tokens,
    now: Date.now,
    brokerUrl: () => 'mqtt://127.0.0.1:1883',
    exchangesPerMinute: 4,
  });
  await app.ready();
});
after(() => app.close());

const exchange = (token: string) =>
  app.inject({ method: 'POST', url: '/api/enroll', payload: { token }, remoteAddress: '10.9.8.7' });

test('a token from the admin route enrolls once without a caller; the second try is a 403, audited', async () => {
  const created = await app.inject({
    method: 'POST',
    url: '/api/enroll-tokens',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { site: 'plant1', line: 'lineA', cell: 'press-09', sisterGroup: 'presses' },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { token, id } = created.json() as { token: string; id: string };
  const first = await exchange(token);
  assert.equal(first.statusCode, 200, first.body);
  const body = first.json() as { id: string; config: { hub: { url: string; password: string } } };
  assert.equal(body.id, 'plant1.lineA.press-09');
  assert.equal(body.config.hub.url, 'mqtt://127.0.0.1:1883', "the hub's broker when the admin names none");
  assert.ok(body.config.hub.password.length >= 43);
  const second = await exchange(token);
  assert.equal(second.statusCode, 403);
  assert.deepEqual(second.json(), {
    code: 'forbidden',
    message:
      'the enrollment token was already used (a token enrolls one agent once: ask an admin for a new one)',
    field: 'token',
  });
  const last = (await audit.list()).at(-1)!;
  assert.deepEqual(
    [last.event, last.actor, last.subject],
    ['enroll.refused', 'agent@10.9.8.7', `enroll-token:${id}`],
  );
  const list = await app.inject({ url: '/api/enroll-tokens', headers: { authorization: `Bearer ${ADMIN}` } });
  assert.equal((list.json() as Array<{ state: string }>)[0]!.state, 'used');
  assert.ok(!list.body.includes(token), 'a listed token never shows the token');
});

test('an address past its exchanges per minute gets 429 with Retry-After; another address does not', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await exchange(`cfe_guess-${i}`)).statusCode);
  const limited = await exchange('cfe_guess-x');
  assert.equal(limited.statusCode, 429);
  assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After names the wait');
  assert.equal((limited.json() as { code: string }).code, 'rate-limited');
  // The first test spent 2 of this address's 4; 2 more refusals, then the limit.
  assert.deepEqual(statuses, [403, 403, 429, 429, 429, 429]);
  const other = await app.inject({
    method: 'POST',
    url: '/api/enroll',
    payload: { token: 'cfe_other' },
    remoteAddress: '10.9.8.6',
  });
  assert.equal(other.statusCode, 403);
  const admin = await app.inject({
    url: '/api/enroll-tokens',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  assert.equal(admin.statusCode, 200, 'the admin routes are not rate-limited with the exchange');
});
