import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SignedAction } from '@cellfleet/protocol';
import { openLedger } from './ledger.ts';

const action: SignedAction = {
  id: 'act-00000001',
  cell: 'plant.l1.c1',
  window: { start: 0, end: 10 },
  expiresAt: 10,
  issuedAt: 0,
  proposedBy: 'erin',
  requiredApprovals: 1,
  approvals: [{ by: 'ann', role: 'approver', at: 0 }],
  type: 'probe-now',
  params: {},
};

test('an id is known from admission on, across a reopen; only deferred lets it in again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  const path = join(dir, 'ledger.db');
  try {
    let ledger = openLedger(path);
    assert.equal(ledger.has(action.id), false);
    ledger.admit(action, 1);
    ledger.defer(action.id, 2);
    assert.equal(ledger.has(action.id), false, 'deferred: the hub may send it again');
    ledger.admit(action, 3);
    assert.equal(ledger.has(action.id), true);
    ledger.saveSnapshot(action.id, { targets: [1] }, 4);
    ledger.close();

    ledger = openLedger(path); // a restart
    assert.equal(ledger.has(action.id), true);
    assert.deepEqual(
      ledger.interrupted().map((e) => [e.id, e.state, e.snapshot]),
      [[action.id, 'snapshotted', { targets: [1] }]],
    );
    ledger.admit(action, 5); // a replay cannot reset a row that is not deferred
    assert.equal(ledger.get(action.id)?.state, 'snapshotted');
    ledger.finish(action.id, { actionId: action.id, outcome: 'succeeded' }, 6);
    assert.deepEqual(ledger.interrupted(), []);
    assert.equal(ledger.get(action.id)?.result?.outcome, 'succeeded');
    ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the admitted envelope digest is kept across a reopen, and a ledger from before it opens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  const path = join(dir, 'ledger.db');
  try {
    const { DatabaseSync } = await import('node:sqlite');
    const old = new DatabaseSync(path); // the schema as agents before issue 12 wrote it
    old.exec(`CREATE TABLE ledger (
      id TEXT PRIMARY KEY, state TEXT NOT NULL, action TEXT NOT NULL, snapshot TEXT,
      result TEXT, started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);`);
    old
      .prepare("INSERT INTO ledger VALUES ('act-old00001', 'executing', ?, NULL, NULL, 1, 1)")
      .run(JSON.stringify({ ...action, id: 'act-old00001' }));
    old.close();
    let ledger = openLedger(path);
    assert.equal(ledger.get('act-old00001')?.envelopeDigest, null);
    ledger.admit(action, 2, 'ab'.repeat(32));
    ledger.close();
    ledger = openLedger(path);
    assert.equal(ledger.get(action.id)?.envelopeDigest, 'ab'.repeat(32));
    ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
