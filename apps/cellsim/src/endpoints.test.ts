import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecurityPolicy, UserTokenType } from 'node-opcua';
import { endpointPlan, unresolvableHost } from './endpoints.ts';
import { needsRestart, networkMode } from './faults.ts';
import type { Fault } from './types.ts';

const plan = (...faults: Fault[]) =>
  endpointPlan(new Set(faults), { host: '127.0.0.1', port: 4840, cellName: 'Press 01' });

describe('endpoint plan', () => {
  it('offers None plus modern policies and anonymous by default', () => {
    const p = plan();
    assert.equal(p.none, 'full');
    assert.deepEqual(p.securePolicies, [SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep]);
    assert.ok(p.userTokenTypes.includes(UserTokenType.Anonymous));
    assert.equal(p.hostname, '127.0.0.1');
  });

  it('follows the security faults', () => {
    assert.deepEqual(plan('security-none-only').securePolicies, []);
    assert.equal(plan('deprecated-security-only').none, 'restricted');
    assert.deepEqual(plan('deprecated-security-only').securePolicies, [
      SecurityPolicy.Basic128Rsa15,
      SecurityPolicy.Basic256,
    ]);
    assert.ok(!plan('anonymous-disabled').userTokenTypes.includes(UserTokenType.Anonymous));
    assert.equal(plan('advertised-host-unresolvable').hostname, 'press-01.invalid');
  });

  it('makes a valid .invalid host name from any cell name', () => {
    assert.equal(unresolvableHost('--'), 'cell.invalid');
    assert.equal(unresolvableHost('KEPSERVER01'), 'kepserver01.invalid');
  });
});

describe('fault classes', () => {
  it('picks the network behaviour that fails earliest', () => {
    assert.equal(networkMode(new Set()), 'pipe');
    assert.equal(networkMode(new Set<Fault>(['not-opcua', 'silent'])), 'silent');
    assert.equal(networkMode(new Set<Fault>(['drop-on-accept', 'port-closed'])), 'closed');
  });

  it('restarts the inner server only for a certificate change', () => {
    assert.ok(needsRestart(new Set(), new Set<Fault>(['server-cert-expired'])));
    assert.ok(
      needsRestart(new Set<Fault>(['cert-uri-mismatch', 'clock-skew']), new Set<Fault>(['clock-skew'])),
    );
    assert.ok(!needsRestart(new Set(), new Set<Fault>(['strict-pki', 'clock-skew'])));
  });
});
