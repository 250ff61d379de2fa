import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { type AuditEntry, auditEntryHash, GENESIS_HASH, verifyChain } from './chain.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const record = {
      seq,
      at: seq * 10,
      actor: 'ann',
      event: 'action.approved',
      subject: `action:a${seq}`,
      data: { n: seq },
    };
    const hash = sha256(auditEntryHash(prev, record));
    out.push({ ...record, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

test('an intact chain verifies and reports its head', () => {
  const entries = chain(5);
  assert.deepEqual(verifyChain(entries, sha256), { ok: true, count: 5, head: entries[4]?.hash });
  assert.deepEqual(verifyChain([], sha256), { ok: true, count: 0, head: GENESIS_HASH });
});

test('edited, deleted and reordered rows are detected at the row', () => {
  const edited = chain(5).map((e) => (e.seq === 3 ? { ...e, actor: 'mallory' } : e));
  const deleted = chain(5).filter((e) => e.seq !== 2);
  const renumbered = deleted.map((e, i) => ({ ...e, seq: i + 1 }));
  const entries = chain(5);
  const reordered = [entries[0], entries[2], entries[1], entries[3], entries[4]] as AuditEntry[];
  const swappedContent = entries.map((e, i) =>
    i === 1 ? { ...entries[2]!, seq: 2 } : i === 2 ? { ...entries[1]!, seq: 3 } : e,
  );
  const cases: [string, AuditEntry[], number, RegExp][] = [
    ['edited', edited, 3, /row edited/],
    ['deleted', deleted, 3, /deleted or reordered/],
    ['deleted and renumbered', renumbered, 2, /previous-hash link broken/],
    ['reordered', reordered, 3, /deleted or reordered/],
    ['content swapped', swappedContent, 2, /previous-hash link broken/],
  ];
  for (const [name, rows, seq, reason] of cases) {
    const v = verifyChain(rows, sha256);
    assert.equal(v.ok, false, name);
    if (!v.ok) {
      assert.equal(v.seq, seq, name);
      assert.match(v.reason, reason, name);
    }
  }
});

test('rows cut off the end are caught only against a recorded head', () => {
  const full = chain(5);
  const cut = full.slice(0, 4);
  assert.equal(verifyChain(cut, sha256).ok, true);
  const v = verifyChain(cut, sha256, full[4]?.hash);
  assert.equal(v.ok, false);
});
