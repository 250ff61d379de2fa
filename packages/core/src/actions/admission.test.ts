import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignedAction } from '@cellfleet/protocol';
import { type AdmissionInput, admitAction } from './admission.ts';
import { signingPayload } from './signing.ts';

const base: SignedAction = {
  id: 'act-00000001',
  cell: 'plant.l1.c1',
  window: { start: 1000, end: 2000 },
  expiresAt: 2000,
  issuedAt: 900,
  proposedBy: 'erin',
  requiredApprovals: 1,
  approvals: [{ by: 'ann', role: 'approver', at: 500 }],
  type: 'write-parameters',
  params: {
    endpoint: 'kepware',
    source: { kind: 'manual' },
    writes: [{ path: '/Objects/2:Channel1/2:ScanRate', value: 100 }],
  },
};

const input = {
  action: base,
  signatureValid: true,
  myCell: 'plant.l1.c1',
  now: 1500,
  ledgerHas: () => false,
};

test('a signed, approved action inside its window for this cell is admitted', () => {
  assert.deepEqual(admitAction(input), { admit: true, action: base });
});

const refusals: {
  name: string;
  change: Partial<AdmissionInput>;
  outcome: string;
  reason: string;
}[] = [
  {
    name: 'forged signature',
    change: { signatureValid: false },
    outcome: 'refused',
    reason: 'bad-signature',
  },
  { name: 'another cell', change: { myCell: 'plant.l1.c2' }, outcome: 'refused', reason: 'wrong-cell' },
  {
    name: 'replayed id',
    change: { ledgerHas: (id: string) => id === base.id },
    outcome: 'refused',
    reason: 'replayed',
  },
  { name: 'expired', change: { now: 2000 }, outcome: 'expired', reason: 'window-closed' },
  { name: 'before the window', change: { now: 999 }, outcome: 'refused', reason: 'outside-window' },
  {
    name: 'unapproved',
    change: { action: { ...base, approvals: [] } },
    outcome: 'refused',
    reason: 'unapproved',
  },
  {
    name: 'unapproved even when the hub asked for 0 approvals',
    change: { action: { ...base, approvals: [], requiredApprovals: 0 } },
    outcome: 'refused',
    reason: 'unapproved',
  },
  {
    name: 'self-approved',
    change: { action: { ...base, approvals: [{ by: 'erin', role: 'approver', at: 1 }] } },
    outcome: 'refused',
    reason: 'self-approved',
  },
  {
    name: 'approver without the role',
    change: { action: { ...base, approvals: [{ by: 'eve', role: 'engineer', at: 1 }] } },
    outcome: 'refused',
    reason: 'invalid-action',
  },
  {
    name: 'free-form shell',
    change: { action: { ...base, type: 'run-maintenance-script', params: { name: 'sh -c reboot' } } },
    outcome: 'refused',
    reason: 'invalid-action',
  },
  {
    name: 'unknown script name',
    change: {
      action: { ...base, type: 'run-maintenance-script', params: { name: 'wipe-disk' } },
      allowedScripts: ['restart-runtime'],
    },
    outcome: 'refused',
    reason: 'unknown-script',
  },
];

for (const r of refusals) {
  test(`refused: ${r.name}`, () => {
    const verdict = admitAction({ ...input, ...r.change });
    assert.equal(verdict.admit, false);
    assert.deepEqual(verdict.admit === false && [verdict.outcome, verdict.reason], [r.outcome, r.reason]);
  });
}

test('tampered parameters change the signed payload, so the signature cannot verify', () => {
  const tampered = {
    ...base,
    params: { ...base.params, writes: [{ path: '/Objects/2:Channel1/2:ScanRate', value: 1 }] },
  } as SignedAction;
  assert.notEqual(signingPayload(tampered), signingPayload(base));
  for (const field of ['id', 'cell', 'expiresAt', 'proposedBy'] as const) {
    const changed = { ...base, [field]: field === 'expiresAt' ? 9999 : 'x' } as SignedAction;
    assert.notEqual(signingPayload(changed), signingPayload(base), field);
  }
  assert.notEqual(signingPayload({ ...base, window: { start: 1000, end: 3000 } }), signingPayload(base));
  assert.notEqual(signingPayload({ ...base, approvals: [] }), signingPayload(base));
});

test('the signed payload ignores key order and unsigned extra fields', () => {
  const reordered = JSON.parse(
    JSON.stringify({ extra: 'ignored', ...base, params: base.params }),
  ) as SignedAction;
  assert.equal(signingPayload(reordered), signingPayload(base));
  assert.match(signingPayload(base), /^\{"approvals":\[/);
  assert.match(signingPayload(base), /"ctx":"cellfleet\/action\/v1"/);
});
