import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from './diagnose.ts';
import { failedAt, healthy, NOW } from './fixtures.test-support.ts';
import { detectVendor } from './vendor.ts';

test('vendor from BuildInfo, namespaces, application URI, port, hint', () => {
  assert.equal(detectVendor(healthy()), 'kepware');
  const bare = { ...healthy(), buildInfo: undefined, server: {}, port: 4840 } as never;
  assert.equal(detectVendor(bare), 'generic');
  assert.equal(
    detectVendor({
      ...(bare as object),
      namespaces: ['urn:inductiveautomation:ignition:opcua:tags'],
    } as never),
    'ignition',
  );
  assert.equal(detectVendor({ ...(bare as object), port: 62541 } as never), 'ignition');
  assert.equal(detectVendor(bare, 'kepware'), 'kepware');
});

test('remediation and causes lead with the detected vendor', () => {
  const ev = failedAt('tcp', { message: 'connect ECONNREFUSED 127.0.0.1:62541' }, { port: 62541 });
  const r = diagnose({ ...ev, server: {} }, { now: NOW });
  assert.equal(r.vendor, 'ignition');
  assert.equal(r.primary.remediation[0]?.vendor, 'ignition');
  assert.ok(r.primary.causes[0]?.includes('Ignition'));
  assert.ok(!r.primary.causes.some((c) => c.includes('Kepware')));
});

test('client-cert-untrusted names the agent thumbprint in the steps', () => {
  const ev = failedAt('secure-channel', {
    message: 'rejected by server: BadSecurityChecksFailed (0x80130000)',
  });
  const r = diagnose(ev, { now: NOW });
  assert.equal(r.primary.remediation[0]?.product, 'KEPServerEX 6');
  assert.ok(r.primary.remediation[0]?.steps.some((s) => s.includes('A1:B2:C3')));
  assert.ok(r.primary.otherClientsShow.some((s) => s.includes('Bad_SecurityChecksFailed')));
});
