// The audit log's contract on both stores: append-only, every kind of tampering found by
// verify, appends that join the caller's transaction, and one intact chain when two hub
// replicas append to the same PostgreSQL database at once. The CLI is tested on files, plus
// one run against PostgreSQL.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { openAuthService } from '../auth/service.ts';
import { type OpenSql, onBothDialects, onSharedPostgres } from '../db/dialects.test-support.ts';
import { openPgSql } from '../db/pg-sql.ts';
import type { Sql } from '../db/sql.ts';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { memoryIo } from '../kernel/cli.test-support.ts';
import { runCommand } from '../kernel/cli.ts';
import { testKernel } from '../kernel/http.test-support.ts';
import { auditCommand } from './cli.ts';
import { toCsv } from './export.ts';
import { type AuditLog, allEntries, openAuditLog } from './log.ts';
import { auditRoutes } from './routes.ts';

async function opened(t: TestContext, open: OpenSql): Promise<{ sql: Sql; audit: AuditLog }> {
  const sql = await open();
  t.after(() => sql.close());
  return { sql, audit: await openAuditLog(sql) };
}

async function appendN(audit: AuditLog, n: number): Promise<void> {
  for (let i = 1; i <= n; i++)
    await audit.append({ actor: 'ann', event: 'action.approved', subject: `action:a${i}`, data: { i } }, i);
}

/** What someone with write access to the database could do: switch the guards off, rewrite rows. */
async function tamper(sql: Sql, ...statements: string[]): Promise<void> {
  if (sql.dialect === 'sqlite') {
    await sql.run('DROP TRIGGER IF EXISTS audit_log_no_update');
    await sql.run('DROP TRIGGER IF EXISTS audit_log_no_delete');
  } else {
    await sql.run('ALTER TABLE audit_log DISABLE TRIGGER USER');
  }
  for (const s of statements) await sql.run(s);
}

onBothDialects('audit log', (open) => {
  test('the log refuses UPDATE and DELETE', async (t) => {
    const { sql, audit } = await opened(t, open);
    await audit.append({ actor: 'a', event: 'e', subject: 's' }, 1);
    await assert.rejects(sql.run("UPDATE audit_log SET actor = 'x'"), /append-only/);
    await assert.rejects(sql.run('DELETE FROM audit_log'), /append-only/);
    assert.deepEqual(
      (await audit.list()).map((e) => e.actor),
      ['a'],
    );
    assert.equal((await audit.verify()).ok, true);
  });

  test('verify finds an edited row', async (t) => {
    const { sql, audit } = await opened(t, open);
    await appendN(audit, 4);
    await tamper(sql, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");
    const v = await audit.verify();
    assert.deepEqual(
      [v.ok, !v.ok && v.seq, !v.ok && v.reason],
      [false, 2, 'content does not match its hash: row edited'],
    );
  });

  test('verify finds a deleted row', async (t) => {
    const { sql, audit } = await opened(t, open);
    await appendN(audit, 4);
    await tamper(sql, 'DELETE FROM audit_log WHERE seq = 2');
    const v = await audit.verify();
    assert.equal(v.ok, false);
    assert.match(!v.ok ? `row ${v.seq}: ${v.reason}` : '', /^row 3: expected row 2/);
  });

  test('verify finds reordered rows', async (t) => {
    const { sql, audit } = await opened(t, open);
    await appendN(audit, 4);
    // Swap rows 2 and 3 wholesale (content, hashes and all) by renumbering.
    await tamper(
      sql,
      'UPDATE audit_log SET seq = -2 WHERE seq = 2',
      'UPDATE audit_log SET seq = 2 WHERE seq = 3',
      'UPDATE audit_log SET seq = 3 WHERE seq = -2',
    );
    const v = await audit.verify();
    assert.equal(v.ok, false);
    assert.match(!v.ok ? `row ${v.seq}: ${v.reason}` : '', /^row 2: previous-hash link broken/);
  });

  test('verify finds a truncated chain when given the head recorded before', async (t) => {
    const { sql, audit } = await opened(t, open);
    await appendN(audit, 4);
    const full = await audit.verify();
    assert.deepEqual([full.ok, full.count], [true, 4]);
    await tamper(sql, 'DELETE FROM audit_log WHERE seq = 4');
    const shorter = await audit.verify();
    assert.deepEqual([shorter.ok, shorter.count], [true, 3], 'a shorter chain is still a chain');
    const v = await audit.verify(full.head);
    assert.equal(v.ok, false);
    assert.match(!v.ok ? v.reason : '', /rows cut off the end/);
  });

  test('an append inside a transaction commits or rolls back with it', async (t) => {
    const { sql, audit } = await opened(t, open);
    await assert.rejects(
      sql.tx(async () => {
        await audit.append({ actor: 'a', event: 'lost', subject: 's' }, 1);
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    await sql.tx(async () => {
      await audit.append({ actor: 'a', event: 'kept', subject: 's' }, 2);
    });
    assert.deepEqual(
      (await audit.list()).map((e) => [e.seq, e.event]),
      [[1, 'kept']],
    );
  });

  test('parallel appends on one handle form one chain', async (t) => {
    const { audit } = await opened(t, open);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => audit.append({ actor: 'a', event: 'e', subject: `s${i}` }, i)),
    );
    const v = await audit.verify();
    assert.deepEqual([v.ok, v.count], [true, 30]);
  });

  test('list pages by seq and filters by subject; entries() walks every page', async (t) => {
    const { audit } = await opened(t, open);
    await appendN(audit, 5);
    await audit.append({ actor: 'bob', event: 'x', subject: 'action:a2' }, 6);
    assert.deepEqual(
      (await audit.list({ after: 2, limit: 2 })).map((e) => e.seq),
      [3, 4],
    );
    assert.deepEqual(
      (await audit.list({ subject: 'action:a2' })).map((e) => e.seq),
      [2, 6],
    );
    assert.equal((await allEntries(audit)).length, 6);
  });

  test('CSV export quotes fields and defuses formulas', async (t) => {
    const { audit } = await opened(t, open);
    await audit.append({ actor: '=cmd()', event: 'x', subject: 'y', data: { note: 'a, "b"' } }, 0);
    const csv = toCsv(await allEntries(audit));
    assert.match(csv, /^seq,at,time,actor,event,subject,data,prevHash,hash\r\n/);
    assert.match(csv, /,"'=cmd\(\)",/);
    assert.match(csv, /"\{""note"":""a, \\""b\\""""\}"/);
  });

  test('GET /api/audit exports JSON, JSON Lines and CSV; /api/audit/verify is for admins', async (t) => {
    const { sql, audit } = await opened(t, open);
    const auth = await openAuthService({ sql, audit, now: () => 1000, passwordLogN: 10 });
    const admin = (await auth.addUser('test', 'root', 'admin')).token;
    const viewer = (await auth.addUser('test', 'vic', 'viewer')).token;
    const app = await testKernel(auth);
    t.after(() => app.close());
    auditRoutes(app, audit);
    const get = (token: string, url: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

    const json = await get(viewer, '/api/audit?subject=user:vic');
    assert.deepEqual(
      json.json().map((e: { event: string }) => e.event),
      ['user.created'],
    );
    const jsonl = await get(viewer, '/api/audit?format=jsonl');
    assert.equal(jsonl.body.trim().split('\n').length, 2);
    assert.match(String(jsonl.headers['content-disposition']), /cellfleet-audit\.jsonl/);
    const csv = await get(viewer, '/api/audit?format=csv&after=1');
    assert.equal(csv.body.trim().split('\r\n').length, 2, 'header and row 2');

    assert.equal((await get(viewer, '/api/audit/verify')).statusCode, 403);
    const verified = await get(admin, '/api/audit/verify');
    assert.deepEqual([verified.json().ok, verified.json().count], [true, 2]);
    await tamper(sql, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1");
    const broken = (await get(admin, '/api/audit/verify')).json();
    assert.deepEqual([broken.ok, broken.problem.seq], [false, 1]);
  });
});

onSharedPostgres('audit log shared by two replicas (PostgreSQL)', (pg) => {
  test('parallel appends from two handles on one database leave one intact chain, seq 1..50', async (t) => {
    const replicas = await pg.replicas(t, 2);
    const [a, b] = await Promise.all(replicas.map((r) => openAuditLog(r)));
    const burst = (audit: AuditLog, who: string) =>
      Array.from({ length: 25 }, (_, i) =>
        audit.append({ actor: who, event: 'e', subject: `${who}${i}` }, i),
      );
    await Promise.all([...burst(a!, 'a'), ...burst(b!, 'b')]);
    const entries = await allEntries(b!);
    assert.deepEqual(
      entries.map((e) => e.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      [entries.filter((e) => e.actor === 'a').length, entries.filter((e) => e.actor === 'b').length],
      [25, 25],
    );
    const v = await a!.verify();
    assert.deepEqual([v.ok, v.count, v.head], [true, 50, entries[49]!.hash]);
  });

  test('audit verify --pg-url: intact, then tampered', async () => {
    const url = await pg.database('auditcli');
    const sql = await openPgSql(url, 2);
    try {
      await appendN(await openAuditLog(sql), 3);
      const ok = await run(['verify', '--pg-url', url]);
      assert.equal(ok.code, 0);
      assert.match(ok.text, /intact: 3 entries/);
      const exported = await run(['export', '--pg-url', url]);
      assert.equal(exported.text.trim().split('\n').length, 3);
      await tamper(sql, 'DELETE FROM audit_log WHERE seq = 1');
      const bad = await run(['verify', '--pg-url', url]);
      assert.equal(bad.code, 1);
      assert.match(bad.text, /TAMPERED at row 2: expected row 1/);
    } finally {
      await sql.close();
    }
  });
});

async function run(argv: string[]): Promise<{ code: number; text: string }> {
  const io = memoryIo();
  const code = await runCommand('audit', auditCommand, argv, io);
  return { code, text: io.text() };
}

async function fileWithEntries(n: number): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'cf-audit-')), 'hub.db');
  const sql = await openSqliteSql(path);
  await appendN(await openAuditLog(sql), n);
  await sql.close();
  return path;
}

async function tamperFile(path: string, ...statements: string[]): Promise<void> {
  const sql = await openSqliteSql(path);
  await tamper(sql, ...statements);
  await sql.close();
}

describe('cellfleet-hub audit (SQLite file)', () => {
  test('verify: 0 intact, 1 tampered with the row named, --head catches a cut-off end', async () => {
    const path = await fileWithEntries(4);
    const ok = await run(['verify', '--db', path]);
    assert.equal(ok.code, 0);
    assert.match(ok.text, /intact: 4 entries/);
    const head = /head ([0-9a-f]{64})/.exec(ok.text)?.[1] ?? '';
    assert.equal((await run(['verify', '--db', path, '--head', head])).code, 0);

    await tamperFile(path, 'DELETE FROM audit_log WHERE seq = 4');
    assert.equal((await run(['verify', '--db', path])).code, 0, 'a shorter chain is still a chain');
    const cut = await run(['verify', '--db', path, '--head', head]);
    assert.equal(cut.code, 1);
    assert.match(cut.text, /rows cut off the end/);

    await tamperFile(path, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");
    const edited = await run(['verify', '--db', path]);
    assert.equal(edited.code, 1);
    assert.match(edited.text, /TAMPERED at row 2: .*row edited \(1 rows verified before it\)/);
  });

  test('export: JSON Lines by default, CSV on request', async () => {
    const path = await fileWithEntries(2);
    const jsonl = await run(['export', '--db', path]);
    assert.deepEqual(
      jsonl.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
      [1, 2],
    );
    const csv = await run(['export', '--db', path, '--format', 'csv']);
    assert.match(csv.text, /^seq,at,time,/);
  });

  test('bad usage: no database, unknown verb, bad format, both --db and --pg-url; help exits 2 without a verb', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'cf-audit-')), 'typo.db');
    const usage = async (argv: string[], pattern: RegExp) => {
      const r = await run(argv);
      assert.equal(r.code, 2, `${argv.join(' ')} is bad usage`);
      assert.match(r.text, pattern);
    };
    await usage(['verify', '--db', missing], /no database at .*typo\.db/);
    assert.equal(existsSync(missing), false, 'verify did not create the file');
    const path = await fileWithEntries(1);
    await usage(['check', '--db', path], /unknown subcommand "check"/);
    await usage(['export', '--db', path, '--format', 'xml'], /--format must be jsonl or csv/);
    await usage(['verify', '--db', path, '--pg-url', 'postgres://x/y'], /--db and --pg-url are alternatives/);
    const help = await run([]);
    assert.equal(help.code, 2);
    assert.match(help.text, /--pg-url URL/);
  });
});
