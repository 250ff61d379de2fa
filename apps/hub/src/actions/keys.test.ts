import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { admitAction } from '@cellfleet/core';
import type { SignedAction } from '@cellfleet/protocol';
import { openKeyring, type PinnedKey, verifyActionSignature } from './keys.ts';
import { keysCommand } from './keys-cli.ts';

const action: SignedAction = {
  id: 'act-00000001',
  cell: 'plant1.lineA.press-01',
  window: { start: 1000, end: 2000 },
  expiresAt: 2000,
  issuedAt: 900,
  proposedBy: 'erin',
  requiredApprovals: 1,
  approvals: [{ by: 'ann', role: 'approver', at: 500 }],
  type: 'trust-server-certificate',
  params: { endpoint: 'kepware', thumbprint: 'a'.repeat(40) },
};

function admitWith(pinned: readonly PinnedKey[], body: ReturnType<ReturnType<typeof openKeyring>['sign']>) {
  const v = admitAction({
    action: body.action,
    signatureValid: verifyActionSignature(body, pinned),
    myCell: action.cell,
    now: 1500,
    ledgerHas: () => false,
  });
  return v.admit ? 'admit' : v.reason;
}

test('the key persists across restarts of the hub', () => {
  const db = new DatabaseSync(join(mkdtempSync(join(tmpdir(), 'cf-keys-')), 'hub.db'));
  const first = openKeyring(db, () => 1).activeKeyId();
  assert.equal(openKeyring(db, () => 2).activeKeyId(), first);
  assert.match(first, /^ed25519:[0-9a-f]{16}$/);
  db.close();
});

test('key rotation: the new key signs; agents pinned to the old key refuse until re-pinned', () => {
  const db = new DatabaseSync(':memory:');
  const keys = openKeyring(db, () => 1);
  const oldPin = keys.list().filter((k) => k.state === 'active');
  const beforeRotation = keys.sign(action);
  assert.equal(admitWith(oldPin, beforeRotation), 'admit');

  const nextId = keys.stage();
  assert.equal(keys.activeKeyId(), oldPin[0]?.keyId, 'staging does not change the signer');
  const bothPins = keys.list().filter((k) => k.state !== 'retired');
  assert.equal(bothPins.length, 2);

  keys.activate(nextId);
  const afterRotation = keys.sign(action);
  assert.equal(afterRotation.keyId, nextId);
  assert.equal(admitWith(oldPin, afterRotation), 'bad-signature', 'old pin only: refused');
  assert.equal(admitWith(bothPins, afterRotation), 'admit', 're-pinned with both');
  assert.equal(admitWith(bothPins, beforeRotation), 'admit', 'in-flight actions signed before still verify');
  const newPinOnly = keys.list().filter((k) => k.state === 'active');
  assert.equal(
    admitWith(newPinOnly, beforeRotation),
    'bad-signature',
    'old pin removed: old signatures refused',
  );
  assert.deepEqual(
    keys.list().map((k) => k.state),
    ['retired', 'active'],
  );
  assert.throws(() => keys.activate(), /no key is staged/);
  db.close();
});

test('keys CLI: stage, activate, list', async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'cf-keys-')), 'hub.db');
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), now: () => 5 };
  assert.equal(await keysCommand(['stage', '--db', dbPath], io), 0);
  assert.match(out.join(''), /BEGIN PUBLIC KEY/);
  assert.equal(await keysCommand(['activate', '--db', dbPath], io), 0);
  out.length = 0;
  assert.equal(await keysCommand(['list', '--db', dbPath], io), 0);
  assert.match(out.join(''), /retired[\s\S]*active/);
  assert.equal(await keysCommand(['activate', '--db', dbPath], io), 1);
});
