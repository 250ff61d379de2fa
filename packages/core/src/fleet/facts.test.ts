import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { factKey, foldFacts, type KnownFact, probeFacts, versionText } from './facts.ts';

const c = (t: string) => ({ thumbprint: t.repeat(40), subject: `CN=${t}`, notBefore: 0, notAfter: 1 });
const build = (softwareVersion: string, buildNumber: string) => ({
  productName: 'KEPServerEX',
  manufacturerName: 'PTC',
  softwareVersion,
  buildNumber,
});

describe('versionText', () => {
  const cases: Array<[string, string, string]> = [
    ['6.16', '217', '6.16 (build 217)'],
    ['6.16.217', '217', '6.16.217'],
    ['', '99', 'build 99'],
    ['8.1.30', '', '8.1.30'],
    [' ', ' ', ''],
  ];
  for (const [v, n, want] of cases)
    test(`${JSON.stringify([v, n])} → ${want}`, () =>
      assert.equal(versionText({ softwareVersion: v, buildNumber: n }), want));
});

describe('probeFacts', () => {
  test("the agent's own probe: server version and certificate by endpoint, its own certificate as agent", () => {
    const facts = probeFacts({
      endpoint: 'kepware',
      server: { buildInfo: build('6.16', '217') },
      serverCertificate: c('a'),
      agentCertificate: c('b'),
    });
    assert.deepEqual(
      facts.map((f) => [f.name, f.scope, f.value]),
      [
        ['server-version', 'kepware', '6.16 (build 217)'],
        ['server-certificate', 'kepware', 'a'.repeat(40)],
        ['agent-certificate', 'agent', 'b'.repeat(40)],
      ],
    );
  });
  test("a probe run as a cell's client speaks for that client's certificate only", () => {
    const facts = probeFacts({
      endpoint: 'kepware',
      server: { buildInfo: build('6.16', '217') },
      serverCertificate: c('a'),
      client: { name: 'ignition', certificate: c('c') },
    });
    assert.deepEqual(
      facts.map((f) => [f.name, f.scope]),
      [['client-certificate', 'ignition']],
    );
  });
});

describe('foldFacts', () => {
  const facts = probeFacts({
    endpoint: 'k',
    server: { buildInfo: build('6.17', '1') },
    serverCertificate: c('a'),
  });
  const known = (entries: Array<[string, string, KnownFact]>) =>
    new Map(entries.map(([name, scope, k]) => [factKey({ name, scope }), k]));

  test('first sighting: stored, not a change', () => {
    const u = foldFacts(new Map(), facts, 100);
    assert.equal(u.current.length, 2);
    assert.deepEqual(u.changed, []);
  });
  test('a different value in a newer probe is a change, with what it was', () => {
    const u = foldFacts(
      known([
        ['server-version', 'k', { value: '6.16 (build 1)', at: 50 }],
        ['server-certificate', 'k', { value: 'a'.repeat(40), at: 50 }],
      ]),
      facts,
      100,
    );
    assert.deepEqual(
      u.changed.map((x) => [x.fact.name, x.from, x.fact.value]),
      [['server-version', '6.16 (build 1)', '6.17 (build 1)']],
    );
    assert.equal(u.current.length, 2);
  });
  test('an older probe replayed after an outage changes nothing', () => {
    const u = foldFacts(known([['server-version', 'k', { value: '6.18 (build 1)', at: 200 }]]), facts, 100);
    assert.deepEqual(u.changed, []);
    assert.deepEqual(
      u.current.map((f) => f.name),
      ['server-certificate'],
    );
  });
});
