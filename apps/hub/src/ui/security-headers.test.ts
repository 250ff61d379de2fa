// Issue 12, finding 5: every answer carries the security headers; /api data is never cached.
// A real kernel with the UI routes over a small built UI, called through inject.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testKernel } from '../kernel/http.test-support.ts';
import { uiRoutes } from './routes.ts';

let app: FastifyInstance;
const dist = `${mkdtempSync(join(tmpdir(), 'cellfleet-ui-'))}/`;

before(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(dist, 'assets', 'app.js'), 'export {};');
  app = await testKernel({
    authenticate: async (token) => (token === 'ok' ? { name: 'vic', role: 'viewer' } : undefined),
  });
  app.get('/api/things', () => ({ things: [] }));
  await uiRoutes(app, dist);
  await app.ready();
});
after(async () => {
  await app.close();
  rmSync(dist, { recursive: true, force: true });
});

const get = (url: string, token?: string) =>
  app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

test('every answer carries the CSP, nosniff, frame denial and the referrer policy', async () => {
  for (const [url, token, status] of [
    ['/api/things', 'ok', 200],
    ['/api/things', undefined, 401],
    ['/api/nothing', 'ok', 404],
    ['/', undefined, 200],
    ['/assets/app.js', undefined, 200],
    ['/cells/deep/link', undefined, 200],
  ] as const) {
    const r = await get(url, token);
    assert.equal(r.statusCode, status, url);
    const csp = String(r.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "script-src-attr 'none'",
      "style-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ])
      assert.ok(csp.includes(directive), `${url}: ${directive} in ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(r.headers['x-frame-options'], 'DENY', url);
    assert.equal(r.headers['referrer-policy'], 'no-referrer', url);
    assert.match(String(r.headers['strict-transport-security']), /^max-age=\d+$/, url);
  }
});

test('/api answers are never stored by a cache; the UI keeps its own caching', async () => {
  for (const [url, token] of [
    ['/api/things', 'ok'],
    ['/api/things', undefined],
    ['/api/nothing', 'ok'],
  ] as const)
    assert.equal((await get(url, token)).headers['cache-control'], 'no-store', url);
  assert.equal((await get('/')).headers['cache-control'], 'no-cache');
  assert.match(String((await get('/assets/app.js')).headers['cache-control']), /immutable/);
});
