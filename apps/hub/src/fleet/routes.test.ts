// GET /api/certificates and /api/changes over HTTP (SQLite; the queries run on both engines in
// fleet.test.ts): the inventory from probes' facts, the CSV download, and hostile queries.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Sql } from '../db/sql.ts';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { testKernel } from '../kernel/http.test-support.ts';
import { createServices } from '../services.ts';
import { fleetRoutes } from './routes.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 5, 12);
let app: FastifyInstance;
let sql: Sql;

const cert = (t: string, days: number, subject: string) => ({
  thumbprint: t.repeat(40),
  subject,
  issuer: 'CN=Plant CA',
  notBefore: NOW - 300 * DAY,
  notAfter: NOW + days * DAY,
});

before(async () => {
  sql = await openSqliteSql(':memory:');
  const s = await createServices({ sql, now: () => NOW, sendAction: async () => {} });
  for (const cell of ['press-01', 'press-02', 'gone'])
    await s.cells.enroll({
      id: `plant1.lineA.${cell}`,
      site: 'plant1',
      line: 'lineA',
      cell,
      sisterGroup: 'presses',
      secretHash: 'x',
      enrolledAt: NOW,
    });
  const shared = cert('a', 45, '=cmd|" /C calc"!A0');
  await s.fleet.recordProbe(
    'plant1.lineA.press-01',
    { endpoint: 'kepware', serverCertificate: shared, agentCertificate: cert('b', 10, 'CN=agent 1') },
    NOW,
  );
  await s.fleet.recordProbe(
    'plant1.lineA.press-02',
    { endpoint: 'kepware', serverCertificate: shared, agentCertificate: cert('c', -2, 'CN=agent 2') },
    NOW,
  );
  // A cell that reported, then was removed from the hub: not in the inventory.
  await s.fleet.recordProbe(
    'plant1.lineB.removed',
    { endpoint: 'kepware', serverCertificate: cert('d', 5, 'CN=old') },
    NOW,
  );
  app = await testKernel({
    authenticate: async (token) => (token === 'vic' ? { name: 'vic', role: 'viewer' } : undefined),
  });
  await fleetRoutes(app, {
    sql,
    fleet: s.fleet,
    enrollments: () => s.cells.listEnrollments(),
    now: () => NOW,
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await sql.close();
});

const get = (url: string, token: string | undefined = 'vic') =>
  app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

test('the inventory: one row per thumbprint, soonest expiry first, with the forecast', async () => {
  const res = await get('/api/certificates');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(
    body.certificates.map((c: { thumbprint: string; daysLeft: number; uses: { cell: string }[] }) => [
      c.thumbprint[0],
      c.daysLeft,
      c.uses.map((u) => u.cell).join(' '),
    ]),
    [
      ['c', -2, 'plant1.lineA.press-02'],
      ['b', 10, 'plant1.lineA.press-01'],
      ['a', 45, 'plant1.lineA.press-01 plant1.lineA.press-02'],
    ],
  );
  assert.deepEqual(body.forecast, { expired: 1, within30: 1, within60: 2, within90: 2, total: 3 });
  const agents = (await get('/api/certificates?role=agent')).json();
  assert.equal(agents.certificates.length, 2);
});

test('the CSV download: text/csv, an attachment, a formula from a server neutralised', async () => {
  const res = await get('/api/certificates?format=csv');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  assert.match(
    String(res.headers['content-disposition']),
    /attachment; filename="cellfleet-certificates.csv"/,
  );
  const lines = res.body.split('\r\n');
  assert.equal(lines.length, 5);
  assert.ok(lines[3]!.startsWith(`${'a'.repeat(40)},"'=cmd|"" /C calc""!A0",CN=Plant CA,`), lines[3]);
});

test('hostile queries are refused naming the field; no caller, no answer', async () => {
  for (const [url, field] of [
    ['/api/changes?kind=everything', 'kind'],
    ['/api/changes?limit=0', 'limit'],
    ['/api/changes?limit=100000', 'limit'],
    ['/api/changes?since=-5', 'since'],
    ['/api/changes?since=yesterday', 'since'],
    [`/api/changes?cell=${'x'.repeat(500)}`, 'cell'],
    ['/api/changes?site=a%20b', 'site'],
    ['/api/certificates?format=xlsx', 'format'],
  ] as const) {
    const res = await get(url);
    assert.equal(res.statusCode, 400, url);
    assert.match(JSON.stringify(res.json()), new RegExp(field), url);
  }
  assert.equal((await get('/api/changes', '')).statusCode, 401);
  assert.equal((await get('/api/certificates?format=csv', '')).statusCode, 401);
  assert.equal((await get(`/api/changes?since=${NOW - 40 * DAY}`)).statusCode, 400);
  const ok = await get(`/api/changes?since=${NOW - DAY}&cell=press`);
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json().items, []);
});
