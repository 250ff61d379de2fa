// Enrollment tokens on both databases: only a hash is stored, a token enrolls once, an expired
// or revoked one is refused, every refusal is audited without the token, and of several
// exchanges racing on one token exactly one succeeds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openAuditLog } from '../audit/index.ts';
import { onBothDialects } from '../db/dialects.test-support.ts';
import type { Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';
import { agentSecretMatches } from './secrets.ts';
import { openCellStore } from './store.ts';
import { hashEnrollToken, type NewEnrollToken, openEnrollTokens } from './tokens.ts';

const KEYS = [
  {
    keyId: 'ed25519:0123456789abcdef',
    publicKeyPem: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
  },
];
const PRESS: NewEnrollToken = {
  site: 'plant1',
  line: 'lineA',
  cell: 'press-07',
  sisterGroup: 'presses',
  endpoints: [{ name: 'kepware', url: 'opc.tcp://10.0.0.7:49320' }],
  brokerUrl: 'mqtts://hub.plant1:8883',
};
const T0 = 1_800_000_000_000;

async function setup(sql: Sql) {
  const cells = await openCellStore(sql);
  const audit = await openAuditLog(sql);
  const tokens = await openEnrollTokens({ sql, cells, audit, actionKeys: async () => KEYS });
  return { cells, audit, tokens };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, String(err));
  assert.equal(err.code, 'forbidden');
  assert.equal(err.field, 'token');
  return err;
}

onBothDialects('enrollment tokens', (open) => {
  test('the hub stores only the hash; the token enrolls its cell once with the pinned keys', async (t) => {
    const sql = await open();
    t.after(() => sql.close());
    const { cells, audit, tokens } = await setup(sql);
    const created = await tokens.create('ada', PRESS, T0);
    assert.match(created.token, /^cfe_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.state, 'open');
    assert.equal(created.expiresAt, T0 + 3600_000, 'default life is one hour');
    const stored = await sql.all<Record<string, unknown>>('SELECT * FROM enroll_tokens');
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!['token_hash'], hashEnrollToken(created.token));
    assert.ok(!JSON.stringify(stored).includes(created.token), 'the token itself is not stored');

    const r = await tokens.redeem(created.token, '10.0.0.7', T0 + 60_000);
    assert.equal(r.id, 'plant1.lineA.press-07');
    assert.deepEqual(r.config.identity, {
      site: 'plant1',
      line: 'lineA',
      cell: 'press-07',
      sisterGroup: 'presses',
    });
    assert.equal(r.config.hub.url, 'mqtts://hub.plant1:8883');
    assert.equal(r.config.hub.username, r.id);
    assert.deepEqual(r.config.hub.actionKeys, KEYS);
    assert.deepEqual(r.config.endpoints, PRESS.endpoints);
    const enrolled = await cells.getEnrollment(r.id);
    assert.ok(enrolled && agentSecretMatches(r.config.hub.password, enrolled.secretHash));

    const again = await refusal(tokens.redeem(created.token, '10.0.0.8', T0 + 61_000));
    assert.match(again.message, /already used/);
    const [view] = await tokens.list(T0 + 62_000);
    assert.equal(view!.state, 'used');
    assert.equal(view!.usedAt, T0 + 60_000);
    const events = (await audit.list()).map((e) => [e.event, e.actor, e.data]);
    assert.deepEqual(events, [
      ['enroll-token.created', 'ada', { cell: r.id, sisterGroup: 'presses', expiresAt: T0 + 3600_000 }],
      ['enroll.exchanged', 'agent@10.0.0.7', { cell: r.id }],
      ['enroll.refused', 'agent@10.0.0.8', { reason: 'used', cell: r.id }],
    ]);
    assert.ok(!JSON.stringify(await audit.list()).includes(created.token), 'the audit never holds a token');
  });

  test('an expired, a revoked and an unknown token are refused, audited, and enroll nothing', async (t) => {
    const sql = await open();
    t.after(() => sql.close());
    const { cells, audit, tokens } = await setup(sql);
    const short = await tokens.create('ada', { ...PRESS, ttlSeconds: 60 }, T0);
    assert.match((await refusal(tokens.redeem(short.token, 'a', T0 + 60_000))).message, /expired/);
    const revoked = await tokens.create('ada', PRESS, T0);
    assert.equal((await tokens.revoke('ada', revoked.id, T0 + 1)).state, 'revoked');
    assert.match((await refusal(tokens.redeem(revoked.token, 'b', T0 + 2))).message, /revoked/);
    assert.match((await refusal(tokens.redeem('cfe_nothing', 'c', T0 + 3))).message, /not a valid/);
    assert.deepEqual(await cells.listEnrollments(), []);
    const refusals = (await audit.list()).filter((e) => e.event === 'enroll.refused');
    assert.deepEqual(
      refusals.map((e) => [e.subject, (e.data as { reason: string }).reason]),
      [
        [`enroll-token:${short.id}`, 'expired'],
        [`enroll-token:${revoked.id}`, 'revoked'],
        ['enroll-token:unknown', 'unknown'],
      ],
    );
    await assert.rejects(tokens.revoke('ada', revoked.id, T0 + 4), { code: 'wrong-state' });
    await assert.rejects(tokens.revoke('ada', 'ffffffffffffffff', T0 + 4), { code: 'not-found' });
    assert.deepEqual((await tokens.list(T0 + 60_000)).map((v) => v.state).sort(), ['expired', 'revoked']);
  });

  test('of five exchanges racing on one token, exactly one enrolls', async (t) => {
    const sql = await open();
    t.after(() => sql.close());
    const { tokens } = await setup(sql);
    const { token } = await tokens.create('ada', PRESS, T0);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => tokens.redeem(token, `10.0.0.${i}`, T0 + 1)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results)
      if (r.status === 'rejected') assert.match((r.reason as Error).message, /already used/);
  });
});
