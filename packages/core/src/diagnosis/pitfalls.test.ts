// Vendor pitfalls change the diagnosis: each rule with the evidence that fires it and the near
// miss that must not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from './diagnose.ts';
import type { ProbeEvidence } from './evidence.ts';
import { cert, healthy, NOW } from './fixtures.test-support.ts';

const FTLG_URI = 'urn:GW01:FactoryTalk Linx Gateway OPC UA Server';
const ftlg = (uri: string): ProbeEvidence =>
  healthy({
    url: 'opc.tcp://gw01:4990/FactoryTalkLinxGateway1',
    port: 4990,
    server: { applicationUri: uri },
    serverCertificate: cert({ applicationUri: uri }),
    buildInfo: {
      manufacturerName: 'Rockwell Automation',
      productName: 'FactoryTalk Linx Gateway',
      softwareVersion: '6.11',
      buildNumber: '1',
    },
  });

test('FTLG certificate URI with spaces: a server-certificate finding with the KB fix, not an untrusted client', () => {
  const r = diagnose(ftlg(FTLG_URI), { now: NOW });
  assert.equal(r.primary.code, 'ok', 'node-opcua itself connects');
  const f = r.findings.find((x) => x.code === 'cert-uri-mismatch');
  assert.ok(f, 'a cert-uri-mismatch finding');
  assert.match(f.summary, /unencoded spaces.*Bad_CertificateUriInvalid.*not an untrusted client/);
  assert.equal(f.remediation[0]?.product, 'FactoryTalk Linx Gateway');
  assert.match(f.remediation[0]?.steps.join(' ') ?? '', /%2520/);
  assert.ok(f.causes[0]?.includes('unencoded'));
  const products = f.remediation.map((b) => `${b.vendor}/${b.product}`);
  assert.equal(new Set(products).size, products.length, 'one fix block per product');
});

test('FTLG with an encoded URI (%20): no pitfall', () => {
  const r = diagnose(ftlg('urn:GW01:FactoryTalk%20Linx%20Gateway%20OPC%20UA%20Server'), { now: NOW });
  assert.equal(
    r.findings.find((x) => x.code === 'cert-uri-mismatch'),
    undefined,
  );
});

test('a URL ending in /discovery: the OI Gateway pitfall, whatever the server', () => {
  const r = diagnose(healthy({ url: 'opc.tcp://kep01:49320/discovery' }), { now: NOW });
  const f = r.findings.find((x) => x.code === 'endpoint-url-rejected');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.code)));
  assert.match(f.summary, /OI Gateway refuses/);
  assert.equal(f.severity, 'warning');
  assert.equal(
    diagnose(healthy(), { now: NOW }).findings.find((x) => x.code === 'endpoint-url-rejected'),
    undefined,
  );
});
