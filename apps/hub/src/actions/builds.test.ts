// Agent builds: added from a file (copied under its digest, signed with the action key, audited),
// listed, and served only to an enrolled agent with its own credentials.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { agentBuildPayload } from '@cellfleet/core';
import { openAuditLog } from '../audit/index.ts';
import { hashAgentSecret } from '../cells/secrets.ts';
import { openCellStore } from '../cells/store.ts';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { testKernel } from '../kernel/http.test-support.ts';
import { openKeyring } from '../keys/index.ts';
import { buildRoutes } from './build-routes.ts';
import { buildsDirOf, openAgentBuilds } from './builds.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-builds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('add, list and serve a build: its digest, its signature, its bytes to its agent only', async () => {
  const sql = await openSqliteSql(':memory:');
  const keyring = await openKeyring(sql, Date.now);
  const audit = await openAuditLog(sql);
  const cells = await openCellStore(sql);
  const builds = await openAgentBuilds({ sql, keyring, audit, dir: join(dir, 'agent-builds') });
  const file = join(dir, 'cellfleet-agent-linux-x64');
  const bytes = Buffer.from('#!/bin/sh\necho build B\n');
  writeFileSync(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  const b = await builds.add({ file, version: '0.2.0+abc', actor: 'cli:ada', now: 1000 });
  assert.equal(b.sha256, sha256);
  assert.equal(b.size, bytes.length);
  assert.deepEqual(readFileSync(join(dir, 'agent-builds', sha256)), bytes);
  const [key] = await keyring.list();
  assert.equal(b.keyId, key!.keyId);
  assert.ok(
    verify(
      null,
      Buffer.from(agentBuildPayload(sha256, '0.2.0+abc')),
      createPublicKey(key!.publicKeyPem),
      Buffer.from(b.signature, 'base64'),
    ),
    'the signature verifies with the key agents pin',
  );
  assert.ok(
    !verify(
      null,
      Buffer.from(agentBuildPayload(sha256, '0.3.0')),
      createPublicKey(key!.publicKeyPem),
      Buffer.from(b.signature, 'base64'),
    ),
    'and binds the version',
  );
  await assert.rejects(builds.add({ file, version: '0.2.0+abc', actor: 'cli:ada', now: 1001 }), {
    code: 'conflict',
  });
  await assert.rejects(builds.add({ file, version: 'bad version', actor: 'cli:ada', now: 1001 }), {
    code: 'usage',
  });
  assert.deepEqual(await builds.list(), [b]);
  const last = (await audit.list()).at(-1)!;
  assert.deepEqual(
    [last.event, last.actor, last.subject],
    ['agent-build.added', 'cli:ada', `agent-build:${sha256}`],
  );

  await cells.enroll({
    id: 'plant1.lineA.press-01',
    site: 'plant1',
    line: 'lineA',
    cell: 'press-01',
    sisterGroup: 'presses',
    secretHash: hashAgentSecret('s3cret'),
    enrolledAt: 1,
  });
  const app = await testKernel({
    authenticate: async (t) => (t === 'admin' ? { name: 'ada', role: 'admin' } : undefined),
  });
  await buildRoutes(app, { builds, cells });
  await app.ready();
  const get = (authorization?: string) =>
    app.inject({ url: `/api/agent-builds/${sha256}`, headers: authorization ? { authorization } : {} });
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const ok = await get(basic('plant1.lineA.press-01', 's3cret'));
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.rawPayload, bytes);
  assert.equal(ok.headers['content-type'], 'application/octet-stream');
  for (const denied of [
    undefined,
    basic('plant1.lineA.press-01', 'wrong'),
    basic('nobody', 's3cret'),
    'Bearer admin',
  ])
    assert.equal((await get(denied)).statusCode, 404, `refused: ${denied}`);
  const list = await app.inject({ url: '/api/agent-builds', headers: { authorization: 'Bearer admin' } });
  assert.equal((list.json() as unknown[]).length, 1);
  await app.close();
  await sql.close();
});

test('the builds folder: given, beside a SQLite file, or none', () => {
  assert.equal(buildsDirOf({ dbPath: '/var/lib/hub/hub.db' }), '/var/lib/hub/agent-builds');
  assert.equal(buildsDirOf({ dbPath: ':memory:' }), undefined);
  assert.equal(buildsDirOf({ pgUrl: 'postgres://x/y' }), undefined);
  assert.equal(buildsDirOf({ pgUrl: 'postgres://x/y' }, '/srv/builds'), '/srv/builds');
});
