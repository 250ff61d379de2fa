import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diagnose } from './diagnose.ts';
import type { CertificateEvidence, ClientEvidence, ProbeEvidence, StepEvidence } from './evidence.ts';

const NOW = Date.UTC(2026, 11, 5, 8, 0);
const cert = (thumbprint: string, uri: string): CertificateEvidence => ({
  thumbprint,
  subject: `CN=${uri}`,
  applicationUri: uri,
  notBefore: NOW - 86_400_000,
  notAfter: NOW + 365 * 86_400_000,
  dns: [],
  ip: [],
});
const IGN = cert('ab'.repeat(20), 'urn:plant:ignition');
const AGENT = cert('cd'.repeat(20), 'urn:cellfleet:agent');
const ok = (name: StepEvidence['name']): StepEvidence => ({ name, ok: true, ms: 1 });
const endpoint = {
  endpointUrl: 'opc.tcp://kep:49320',
  securityMode: 'SignAndEncrypt' as const,
  securityPolicy: 'Basic256Sha256',
  securityLevel: 3,
  userTokens: ['Anonymous' as const, 'UserName' as const],
};
const asClient = (o: Partial<ClientEvidence> = {}): ClientEvidence => ({
  name: 'ignition-gateway',
  label: 'Ignition Gateway',
  vendor: 'ignition',
  securityPolicy: 'Basic256Sha256',
  securityMode: 'SignAndEncrypt',
  userTokenType: 'Anonymous',
  certificate: IGN,
  keyAvailable: true,
  ...o,
});
const base = (o: Partial<ProbeEvidence>): ProbeEvidence => ({
  url: 'opc.tcp://kep:49320',
  host: 'kep',
  port: 49320,
  request: { security: 'auto', allowSecurityNone: false, hasCredentials: false, trustOnFirstUse: false },
  steps: [],
  endpoints: [endpoint],
  server: { applicationName: 'KEPServerEX/UA Server' },
  ...o,
});
const upTo = (failed?: StepEvidence) => [
  ...(['url', 'dns', 'tcp', 'hello', 'endpoints', 'select-endpoint', 'certificates'] as const).map(ok),
  ...(failed ? [failed] : []),
];

describe('diagnosis as a cell client (issue 17)', () => {
  test('a refused secure channel names the client, its thumbprint, and what Ignition shows first', () => {
    const ev = base({
      asClient: asClient(),
      agentCertificate: IGN,
      chosen: endpoint,
      steps: upTo({
        name: 'secure-channel',
        ok: false,
        ms: 5,
        error: { message: 'ERR', statusName: 'BadSecurityChecksFailed' },
      }),
    });
    const d = diagnose(ev, { now: NOW }).primary;
    assert.equal(d.code, 'client-cert-untrusted');
    assert.equal(
      d.summary,
      "KEPServerEX/UA Server refuses Ignition Gateway's certificate (thumbprint AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB).",
    );
    assert.match(d.otherClientsShow[0] ?? '', /Ignition/);
    assert.ok(d.remediation.some((r) => r.steps.some((s) => s.includes("Ignition Gateway's certificate"))));
  });

  test('without the key the channel is not tried; the summary says what was not proven', () => {
    const ev = base({ asClient: asClient({ keyAvailable: false }), agentCertificate: AGENT, steps: upTo() });
    const d = diagnose(ev, { now: NOW }).primary;
    assert.equal(d.code, 'ok');
    assert.match(d.summary, /could not be made as Ignition Gateway/);
    assert.ok(d.evidence.some((l) => /Not proven: whether the server trusts Ignition Gateway/.test(l)));
  });

  test("without the key, the client's certificate in the rejected folder decides: since 02:04", () => {
    const firstSeen = Date.UTC(2026, 11, 5, 2, 4);
    const ev = base({
      asClient: asClient({ keyAvailable: false }),
      agentCertificate: AGENT,
      steps: upTo(),
      serverRejected: [{ ...IGN, firstSeen }],
    });
    const d = diagnose(ev, { now: NOW }).primary;
    assert.equal(d.code, 'client-cert-untrusted');
    assert.match(d.summary, /refuses Ignition Gateway's certificate .* since 02:04 UTC on 2026-12-05/);
  });

  test("the agent's own probe: a listed client in the rejected folder is a finding naming it", () => {
    const ev = base({
      agentCertificate: AGENT,
      steps: [...upTo(), ok('secure-channel'), ok('session'), ok('reads')],
      serverState: 'Running',
      listedClients: [{ name: 'ignition-gateway', label: 'Ignition Gateway', thumbprint: IGN.thumbprint }],
      serverRejected: [
        { ...IGN, firstSeen: Date.UTC(2026, 11, 5, 2, 4) },
        { ...cert('ef'.repeat(20), 'urn:someone'), firstSeen: NOW },
      ],
    });
    const r = diagnose(ev, { now: NOW });
    assert.equal(r.primary.code, 'ok');
    const f = r.findings.find((x) => x.code === 'client-cert-untrusted');
    assert.ok(f);
    assert.match(f.summary, /keeps Ignition Gateway \(AB:AB.*, since 02:04 UTC/);
    assert.doesNotMatch(f.summary, /urn:someone/);
  });

  test('a policy the server no longer offers, and a token type it does not accept', () => {
    const policy = diagnose(
      base({
        asClient: asClient({ securityPolicy: 'Basic256' }),
        steps: [
          ...upTo().slice(0, 5),
          { name: 'select-endpoint', ok: false, ms: 0, error: { message: 'x' } },
        ],
      }),
      { now: NOW },
    ).primary;
    assert.equal(policy.code, 'security-policy-mismatch');
    assert.match(
      policy.summary,
      /^Ignition Gateway \(opc\.tcp:\/\/kep:49320\): .*configured for SignAndEncrypt\/Basic256, which the server no longer offers/,
    );
    const token = diagnose(
      base({
        asClient: asClient(),
        endpoints: [{ ...endpoint, userTokens: ['UserName'] }],
        steps: [
          ...upTo().slice(0, 5),
          { name: 'select-endpoint', ok: false, ms: 0, error: { message: 'x' } },
        ],
      }),
      { now: NOW },
    ).primary;
    assert.equal(token.code, 'anonymous-disabled');
  });
});

describe("the server's event log as evidence (issue 17)", () => {
  const IGN_SUBJECT = 'C=US, O=Plant, CN=Ignition Gateway';
  const listed = [
    { name: 'ignition-gateway', label: 'Ignition', thumbprint: IGN.thumbprint, subject: IGN_SUBJECT },
    { name: 'historian', thumbprint: 'ef'.repeat(20), applicationUri: 'urn:plant:historian' },
  ];
  const since = Date.UTC(2026, 11, 5, 2, 4);
  const entry = (certificate: string, o: { thumbprint?: string } = {}) => ({
    certificate,
    since,
    lastSeen: since + 60_000,
    source: 'OPC UA Server',
    message: `The UA Client certificate '${certificate}' has been rejected.`,
    ...o,
  });
  const own = (events: ReturnType<typeof entry>[]) =>
    diagnose(
      base({
        agentCertificate: AGENT,
        steps: [...upTo(), ok('secure-channel'), ok('session'), ok('reads')],
        serverState: 'Running',
        listedClients: listed,
        serverRejectedEvents: events,
      }),
      { now: NOW },
    );

  test("an entry naming a listed client's certificate (its common name) is a finding naming the client", () => {
    const r = own([entry('Ignition Gateway'), entry('Some Other Client')]);
    assert.equal(r.primary.code, 'ok');
    const f = r.findings.find((x) => x.code === 'client-cert-untrusted');
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.code)));
    assert.match(
      f.summary,
      /logs as rejected Ignition \(AB:AB.*, since 02:04 UTC on 2026-12-05\) in its event log/,
    );
    assert.doesNotMatch(f.summary, /Some Other Client|historian/);
    assert.ok(f.remediation.some((x) => x.steps.some((s) => s.includes('AB:AB') && s.includes(IGN_SUBJECT))));
  });

  test('matched by application URI, config name, or thumbprint; a wrong thumbprint does not match', () => {
    assert.ok(own([entry('urn:plant:historian')]).findings.some((f) => /historian/.test(f.summary)));
    assert.ok(own([entry('IGNITION-GATEWAY')]).findings.some((f) => /Ignition/.test(f.summary)));
    const byThumb = own([entry('whatever', { thumbprint: IGN.thumbprint.toUpperCase() })]);
    assert.ok(byThumb.findings.some((f) => f.code === 'client-cert-untrusted'));
    const wrong = own([entry('Ignition Gateway', { thumbprint: '12'.repeat(20) })]);
    assert.ok(
      !wrong.findings.some((f) => f.code === 'client-cert-untrusted'),
      'the thumbprint decides when given',
    );
  });

  test('a client probe without the key: the event log proves the refusal', () => {
    const d = diagnose(
      base({
        asClient: asClient({ keyAvailable: false }),
        agentCertificate: AGENT,
        steps: upTo(),
        listedClients: listed,
        serverRejectedEvents: [entry('Ignition Gateway')],
      }),
      { now: NOW },
    ).primary;
    assert.equal(d.code, 'client-cert-untrusted');
    assert.match(d.summary, /is reported rejected by the server's event log since 02:04 UTC/);
  });
});
