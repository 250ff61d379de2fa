import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignedAction } from '@cellfleet/protocol';
import { bindResult, envelopeDigestInput } from './signing.ts';

const action: SignedAction = {
  id: 'act-00000001',
  cell: 'plant.l1.c1',
  window: { start: 1000, end: 2000 },
  expiresAt: 2000,
  issuedAt: 900,
  proposedBy: 'erin',
  requiredApprovals: 0,
  approvals: [],
  type: 'probe-now',
  params: {},
};
const body = { action, signature: 'c2lnbmF0dXJl', keyId: 'k1' };

test('the digest input covers the signed payload, the key id and the signature', () => {
  const same = envelopeDigestInput({ ...body });
  assert.equal(envelopeDigestInput(body), same);
  const changed = [
    { ...body, signature: 'b3RoZXI=' },
    { ...body, keyId: 'k2' },
    { ...body, action: { ...action, issuedAt: 901 } },
    { ...body, action: { ...action, params: { endpoint: 'x' } } },
  ];
  for (const c of changed) assert.notEqual(envelopeDigestInput(c), same, JSON.stringify(c));
});

test('fields outside the signature do not change it (an admitted copy hashes as the hub sent it)', () => {
  const padded = { ...body, extra: 1, action: { ...action, note: 'added on the way' } };
  assert.equal(envelopeDigestInput(padded), envelopeDigestInput(body));
});

test('anything that is not an action still gets a text, never a throw', () => {
  for (const junk of [null, 42, 'x', [], {}, { action: 'no' }, { action: { window: null } }]) {
    const text = envelopeDigestInput(junk);
    assert.match(text, /"payload":null/);
  }
});

test('a result is bound only to a digest the hub sent; without a digest it is legacy', () => {
  assert.equal(bindResult('a', ['b', 'a']), 'bound');
  assert.equal(bindResult('c', ['b', 'a']), 'unbound');
  assert.equal(bindResult('a', []), 'unbound', 'before the hub sent anything');
  assert.equal(bindResult(undefined, ['a']), 'legacy');
});
