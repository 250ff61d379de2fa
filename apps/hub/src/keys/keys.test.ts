// The action-signing keyring on both stores: persistence, staged rotation as agents see it,
// and on PostgreSQL the replica cases — several replicas opening an empty database make one
// key, and a rotation through one replica changes what every replica signs with.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { admitAction } from '@cellfleet/core';
import type { ActionBody, SignedAction } from '@cellfleet/protocol';
import { type OpenSql, onBothDialects, onSharedPostgres } from '../db/dialects.test-support.ts';
import { openPgSql } from '../db/pg-sql.ts';
import type { Sql } from '../db/sql.ts';
import { openSqliteSql } from '../db/sqlite-sql.ts';
import { memoryIo } from '../kernel/cli.test-support.ts';
import { runCommand } from '../kernel/cli.ts';
import { keysCommand } from './cli.ts';
import { type Keyring, openKeyring, type PinnedKey, verifyActionSignature } from './keyring.ts';

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

function admitWith(pinned: readonly PinnedKey[], body: ActionBody) {
  const v = admitAction({
    action: body.action,
    signatureValid: verifyActionSignature(body, pinned),
    myCell: action.cell,
    now: 1500,
    ledgerHas: () => false,
  });
  return v.admit ? 'admit' : v.reason;
}

async function opened(t: TestContext, open: OpenSql): Promise<{ sql: Sql; keys: Keyring }> {
  const sql = await open();
  t.after(() => sql.close());
  return { sql, keys: await openKeyring(sql, () => 1) };
}

const pins = async (keys: Keyring, keep: (state: string) => boolean) =>
  (await keys.list()).filter((k) => keep(k.state));

onBothDialects('keyring', (open) => {
  test('opening makes one active key; opening again keeps it', async (t) => {
    const { sql, keys } = await opened(t, open);
    const first = await keys.activeKeyId();
    assert.match(first, /^ed25519:[0-9a-f]{16}$/);
    const again = await openKeyring(sql, () => 2);
    assert.equal(await again.activeKeyId(), first);
    assert.deepEqual(
      (await again.list()).map((k) => [k.keyId, k.state, k.createdAt]),
      [[first, 'active', 1]],
    );
  });

  test('key rotation: the new key signs; agents pinned to the old key refuse until re-pinned', async (t) => {
    const { keys } = await opened(t, open);
    const oldPin = await pins(keys, (s) => s === 'active');
    const beforeRotation = await keys.sign(action);
    assert.equal(admitWith(oldPin, beforeRotation), 'admit');

    const nextId = await keys.stage();
    assert.equal(await keys.stage(), nextId, 'staging twice stages one key');
    assert.equal(await keys.activeKeyId(), oldPin[0]?.keyId, 'staging does not change the signer');
    const bothPins = await pins(keys, (s) => s !== 'retired');
    assert.equal(bothPins.length, 2);

    assert.equal(await keys.activate(nextId), nextId);
    const afterRotation = await keys.sign(action);
    assert.equal(afterRotation.keyId, nextId);
    assert.equal(admitWith(oldPin, afterRotation), 'bad-signature', 'old pin only: refused');
    assert.equal(admitWith(bothPins, afterRotation), 'admit', 're-pinned with both');
    assert.equal(
      admitWith(bothPins, beforeRotation),
      'admit',
      'in-flight actions signed before still verify',
    );
    const newPinOnly = await pins(keys, (s) => s === 'active');
    assert.equal(
      admitWith(newPinOnly, beforeRotation),
      'bad-signature',
      'old pin removed: old signatures refused',
    );
    assert.deepEqual(
      (await keys.list()).map((k) => k.state),
      ['retired', 'active'],
      'listed in the order the keys were made',
    );
    await assert.rejects(keys.activate(), /no key is staged/);
  });

  test('activate names the staged key or refuses; forget destroys only retired keys', async (t) => {
    const { sql, keys } = await opened(t, open);
    const first = await keys.activeKeyId();
    const next = await keys.stage();
    await assert.rejects(keys.activate(first), new RegExp(`${first} is not the staged key`));
    await assert.rejects(keys.forget(first), /is not a retired key/);
    await keys.activate();
    await keys.forget(first);
    const row = await sql.get<{ private_pem: string }>(
      'SELECT private_pem FROM action_keys WHERE key_id = ?',
      [first],
    );
    assert.equal(row?.private_pem, '');
    assert.equal((await keys.sign(action)).keyId, next);
  });

  test('the database refuses a second active key', async (t) => {
    const { sql, keys } = await opened(t, open);
    const next = await keys.stage();
    await assert.rejects(sql.run("UPDATE action_keys SET state = 'active' WHERE key_id = ?", [next]));
    assert.equal(await keys.activeKeyId(), (await pins(keys, (s) => s === 'active'))[0]?.keyId);
  });
});

onSharedPostgres('keyring shared by replicas (PostgreSQL)', (pg) => {
  const handles = (t: TestContext, n: number) => pg.replicas(t, n, 2);

  test('replicas opening an empty database at once make one active key', async (t) => {
    const sqls = await handles(t, 4);
    const rings = await Promise.all(sqls.map((sql, i) => openKeyring(sql, () => i)));
    const ids = await Promise.all(rings.map((k) => k.activeKeyId()));
    assert.equal(new Set(ids).size, 1, 'every replica signs with the same key');
    assert.equal((await rings[0]!.list()).length, 1);
  });

  test('a replica opening while another creates the first key waits for it and uses that key', async (t) => {
    const [a, b] = await handles(t, 2);
    // The schema without a key: what a replica finds while another is still making the first.
    await openKeyring(a!, () => 0);
    await a!.run('DELETE FROM action_keys');
    let created!: () => void;
    let commit!: () => void;
    const keyMade = new Promise<void>((resolve) => (created = resolve));
    const mayCommit = new Promise<void>((resolve) => (commit = resolve));
    const first = a!.tx(async () => {
      const id = await (await openKeyring(a!, () => 1)).activeKeyId();
      created();
      await mayCommit;
      return id;
    });
    await keyMade;
    const second = openKeyring(b!, () => 2);
    // Long enough for B to read "no key" and insert its own, were it not waiting on the lock.
    await new Promise((resolve) => setTimeout(resolve, 300));
    commit();
    const id = await first;
    assert.equal(await (await second).activeKeyId(), id);
    assert.equal((await (await second).list()).length, 1);
  });

  test('a rotation through one replica changes the signer on the other', async (t) => {
    const [a, b] = await Promise.all((await handles(t, 2)).map((sql) => openKeyring(sql, () => 1)));
    const old = (await b!.sign(action)).keyId;
    const next = await a!.stage();
    assert.equal((await b!.sign(action)).keyId, old);
    await a!.activate(next);
    const body = await b!.sign(action);
    assert.equal(body.keyId, next);
    assert.equal(admitWith(await b!.list(), body), 'admit');
  });

  test('keys --pg-url: stage and list; a refused activate is not audited; help names both databases', async () => {
    const url = await pg.database('keyscli');
    assert.equal((await keysCli(['activate', '--pg-url', url])).code, 1);
    const staged = await keysCli(['stage', '--pg-url', url]);
    assert.equal(staged.code, 0);
    assert.match((await keysCli(['list', '--pg-url', url])).text, /\tactive\n[\s\S]*\tnext\n/);
    const sql = await openPgSql(url, 1);
    try {
      const events = await sql.all<{ event: string }>('SELECT event FROM audit_log ORDER BY seq');
      assert.deepEqual(
        events.map((e) => e.event),
        ['key.staged'],
      );
    } finally {
      await sql.close();
    }
    const help = await keysCli([]);
    assert.equal(help.code, 2);
    assert.match(help.text, /--db FILE[\s\S]*--pg-url URL/);
  });
});

async function keysCli(argv: string[]): Promise<{ code: number; text: string }> {
  const io = memoryIo({ now: () => 5 });
  const code = await runCommand('keys', keysCommand, argv, io);
  return { code, text: io.text() };
}

describe('cellfleet-hub keys', () => {
  test('stage, activate, list, forget on a file; each change audited; the key persists', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'cf-keys-')), 'hub.db');
    const db = ['--db', dbPath];
    const staged = await keysCli(['stage', ...db]);
    assert.equal(staged.code, 0);
    assert.match(staged.text, /BEGIN PUBLIC KEY/);
    const next = /^staged (\S+);/.exec(staged.text)?.[1] ?? '';
    assert.equal((await keysCli(['activate', ...db])).code, 0);
    const listed = await keysCli(['list', ...db]);
    assert.match(listed.text, /retired[\s\S]*active/);
    const old = /^(\S+)\tretired/m.exec(listed.text)?.[1] ?? '';
    assert.deepEqual(await keysCli(['activate', ...db]), {
      code: 1,
      text: 'cellfleet-hub keys: no key is staged; run stage first\n',
    });
    assert.equal((await keysCli(['forget', old, ...db])).code, 0);
    const forget = await keysCli(['forget', ...db]);
    assert.equal(forget.code, 2);
    assert.match(forget.text, /forget needs a KEY_ID/);

    const sql = await openSqliteSql(dbPath);
    try {
      assert.equal(await (await openKeyring(sql, () => 9)).activeKeyId(), next, 'the key persists');
      const audit = await sql.all<{ event: string; subject: string }>(
        'SELECT event, subject FROM audit_log ORDER BY seq',
      );
      assert.deepEqual(
        audit.map((e) => [e.event, e.subject]),
        [
          ['key.staged', `key:${next}`],
          ['key.activated', `key:${next}`],
          ['key.forgotten', `key:${old}`],
        ],
      );
    } finally {
      await sql.close();
    }
  });
});
