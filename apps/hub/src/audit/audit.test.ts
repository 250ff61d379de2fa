import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { auditCommand } from './cli.ts';
import { toCsv } from './export.ts';
import { createAuditLog } from './log.ts';

function fileWithEntries(n: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cf-audit-')), 'hub.db');
  const db = new DatabaseSync(path);
  const audit = createAuditLog(db);
  for (let i = 1; i <= n; i++)
    audit.append({ actor: 'ann', event: 'action.approved', subject: `action:a${i}`, data: { i } }, i);
  db.close();
  return path;
}

async function verify(path: string, ...extra: string[]) {
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
  const code = await auditCommand(['verify', '--db', path, ...extra], io);
  return { code, text: out.join('') };
}

/** What someone with write access to the file could do: drop the guards and rewrite rows. */
function tamper(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  db.exec(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ${sql}`);
  db.close();
}

test('the log refuses UPDATE and DELETE', () => {
  const db = new DatabaseSync(':memory:');
  const audit = createAuditLog(db);
  audit.append({ actor: 'a', event: 'e', subject: 's' }, 1);
  assert.throws(() => db.exec("UPDATE audit_log SET actor = 'x'"), /append-only/);
  assert.throws(() => db.exec('DELETE FROM audit_log'), /append-only/);
});

test('audit verify: intact, edited, deleted and reordered rows', async () => {
  const intact = fileWithEntries(4);
  const ok = await verify(intact);
  assert.equal(ok.code, 0);
  assert.match(ok.text, /intact: 4 entries/);

  const edited = fileWithEntries(4);
  tamper(edited, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`);
  assert.deepEqual(
    [(await verify(edited)).code, /row 2: .*edited/.test((await verify(edited)).text)],
    [1, true],
  );

  const deleted = fileWithEntries(4);
  tamper(deleted, 'DELETE FROM audit_log WHERE seq = 2');
  const d = await verify(deleted);
  assert.equal(d.code, 1);
  assert.match(d.text, /row 3: expected row 2/);

  const reordered = fileWithEntries(4);
  // Swap rows 2 and 3 wholesale (content, hashes and all) by renumbering.
  tamper(
    reordered,
    'UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -2;',
  );
  const r = await verify(reordered);
  assert.equal(r.code, 1);
  assert.match(r.text, /row 2: previous-hash link broken/);

  const truncated = fileWithEntries(4);
  const head = /head ([0-9a-f]{64})/.exec(ok.text)?.[1] ?? '';
  const headOfFull = /head ([0-9a-f]{64})/.exec((await verify(truncated)).text)?.[1] ?? '';
  tamper(truncated, 'DELETE FROM audit_log WHERE seq = 4');
  assert.equal((await verify(truncated)).code, 0, 'a shorter chain is still a chain');
  assert.equal((await verify(truncated, '--head', headOfFull)).code, 1);
  assert.ok(head.length === 64);
});

test('CSV export quotes fields and defuses formulas', () => {
  const db = new DatabaseSync(':memory:');
  const audit = createAuditLog(db);
  audit.append({ actor: '=cmd()', event: 'x', subject: 'y', data: { note: 'a, "b"' } }, 0);
  const csv = toCsv(audit.entries());
  assert.match(csv, /^seq,at,time,actor,event,subject,data,prevHash,hash\r\n/);
  assert.match(csv, /,"'=cmd\(\)",/);
  assert.match(csv, /"\{""note"":""a, \\""b\\""""\}"/);
});
