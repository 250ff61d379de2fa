// How a diagnosis is ranked for the detected platform: its product line's fix first, its causes
// first, what its clients show first, and the "why" carried with it; the SecurityMode None step
// that fits the server; trust on first use and a certificate already rejected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from './diagnose.ts';
import { ep, failedAt, healthy, NOW } from './fixtures.test-support.ts';

const closedAt = (port: number, over = {}) =>
  failedAt(
    'tcp',
    { message: `connect ECONNREFUSED 10.0.0.5:${port}` },
    { port, url: `opc.tcp://10.0.0.5:${port}`, server: {}, ...over },
  );

const RANKING: [string, ReturnType<typeof closedAt>, string, string][] = [
  ['WinCC Unified by its port', closedAt(4890), 'siemens', 'WinCC Unified'],
  ['WinCC OA by a guessed port', closedAt(4840), 'siemens', 'WinCC OA'],
  [
    'FactoryTalk by its path',
    closedAt(4841, { url: 'opc.tcp://gw:4841/FactoryTalkLinxGateway1' }),
    'rockwell',
    'FactoryTalk Linx Gateway',
  ],
  ['AVEVA by its endpoint name', closedAt(4841, { endpointName: 'oi-server' }), 'aveva', 'AVEVA OI Server'],
  ['Proficy by its endpoint name', closedAt(4841, { endpointName: 'historian' }), 'ge', 'Proficy Historian'],
  ['Kepware by its port', closedAt(49320), 'kepware', 'KEPServerEX 6'],
  ['nothing known: generic', closedAt(4841), 'generic', 'PLC / other OPC UA server'],
];
for (const [name, ev, vendor, product] of RANKING) {
  test(`ranking: ${name} → ${product} first, then generic`, () => {
    const r = diagnose(ev, { now: NOW });
    assert.equal(r.primary.remediation[0]?.vendor, vendor);
    assert.equal(r.primary.remediation[0]?.product, product);
    assert.equal(r.primary.rankedFor?.vendor, vendor);
    assert.ok(r.primary.rankedFor?.why);
    const firstOther = r.primary.remediation.findIndex((b) => b.vendor !== vendor);
    if (vendor !== 'generic') assert.equal(r.primary.remediation[firstOther]?.vendor, 'generic');
  });
}

test('WinCC Unified port closed: the certificate cause comes first', () => {
  const r = diagnose(closedAt(4890), { now: NOW });
  assert.match(r.primary.causes[0] ?? '', /certificate/);
  assert.ok(!r.primary.causes.some((c) => c.includes('Kepware')));
});

test('the detected platform\'s clients are listed first under "other clients show"', () => {
  const r = diagnose(closedAt(4841, { endpointName: 'ftlg' }), { now: NOW });
  assert.match(r.primary.otherClientsShow[0] ?? '', /FactoryTalk Linx OPC UA Connector/);
  assert.ok(r.primary.otherClientsShow.some((s) => s.includes('Bad_ConnectionRejected')));
});

test("vendor steps get the probe's values filled in", () => {
  const ev = failedAt(
    'secure-channel',
    { message: 'rejected by server: BadSecurityChecksFailed (0x80130000)' },
    {
      endpointName: 'wincc-oa',
    },
  );
  const steps = diagnose(ev, { now: NOW }).primary.remediation[0]?.steps.join(' ') ?? '';
  assert.match(steps, /A1:B2:C3/);
  assert.doesNotMatch(steps, /\{\w+\}/);
});

test('"allow None" is offered only where None could open a session', () => {
  const deprecated = (none: ReturnType<typeof ep>) =>
    failedAt(
      'select-endpoint',
      { message: 'x' },
      { endpoints: [ep('SignAndEncrypt', 'Basic128Rsa15'), none], endpointName: 'plc' },
    );
  const steps = (ev: ReturnType<typeof deprecated>) =>
    diagnose(ev, { now: NOW })
      .primary.remediation.flatMap((b) => b.steps)
      .join('\n');
  assert.match(steps(deprecated(ep('None', 'None'))), /allow None for this endpoint/);
  assert.match(steps(deprecated(ep('None', 'None', []))), /None for discovery only/);
  assert.doesNotMatch(steps(deprecated(ep('None', 'None', []))), /allow None for this endpoint/);
});

test('trust on first use with a certificate already in rejected/: said so, with the command', () => {
  const ev = failedAt(
    'certificates',
    { message: 'not trusted' },
    {
      serverCertificateTrust: 'rejected',
      request: { security: 'auto', allowSecurityNone: false, hasCredentials: false, trustOnFirstUse: true },
    },
  );
  const r = diagnose(ev, { now: NOW });
  assert.equal(r.primary.code, 'server-cert-untrusted');
  assert.match(
    r.primary.summary,
    /Trust on first use does not apply.*rejected\/.*cellfleet-agent trust a1b2c3d4/,
  );
  const without = diagnose({ ...ev, request: { ...ev.request, trustOnFirstUse: false } }, { now: NOW });
  assert.doesNotMatch(without.primary.summary, /Trust on first use/);
});

test('a healthy probe is ranked too, so the UI can say which platform it is', () => {
  const r = diagnose(healthy(), { now: NOW });
  assert.equal(r.primary.rankedFor?.vendor, 'kepware');
  assert.equal(r.detection.confidence, 'high');
});
