import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from './diagnose.ts';
import type { ProbeEvidence } from './evidence.ts';
import { cert, ep, failedAt, healthy, NOW } from './fixtures.test-support.ts';

const DAY = 86_400_000;
const codes = (ev: ProbeEvidence) => diagnose(ev, { now: NOW }).findings.map((f) => f.code);

const CASES: [string, ProbeEvidence, string[]][] = [
  ['healthy', healthy(), []],
  [
    'None-only server',
    healthy({ endpoints: [ep('None', 'None')], chosen: ep('None', 'None') }),
    ['security-none-only'],
  ],
  ['dialled by a name not in the SAN', healthy({ host: 'kep01.plant.local' }), ['cert-hostname-mismatch']],
  ['hex IP SAN matches', healthy({ serverCertificate: cert({ ip: ['7f000001'] }) }), []],
  [
    'server cert expires in 10 days',
    healthy({ serverCertificate: cert({ notAfter: NOW + 10 * DAY }) }),
    ['cert-expiring-soon'],
  ],
  [
    'uri differs from certificate',
    healthy({ server: { applicationUri: 'urn:other' } }),
    ['cert-uri-mismatch'],
  ],
  ['one session slot left', healthy({ sessionCounts: { current: 9, max: 10 } }), ['too-many-sessions']],
  [
    'failure still reports None-only',
    failedAt(
      'session',
      { message: 'Cannot find ANONYMOUS user token policy' },
      { endpoints: [ep('None', 'None', ['UserName'])] },
    ),
    ['security-none-only'],
  ],
];

for (const [name, ev, expected] of CASES) {
  test(`findings: ${name}`, () => assert.deepEqual(codes(ev), expected));
}

test('a finding never repeats the primary code and is at most a warning', () => {
  const r = diagnose(healthy({ advertisedHosts: [{ host: 'x.invalid', resolvable: false }] }), { now: NOW });
  assert.equal(r.primary.code, 'advertised-host-unresolvable');
  assert.ok(!r.findings.some((f) => f.code === 'advertised-host-unresolvable'));
  const f = diagnose(healthy({ sessionCounts: { current: 10, max: 10 } }), { now: NOW }).findings[0];
  assert.equal(f?.severity, 'warning');
});
