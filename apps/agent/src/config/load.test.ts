import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig, parseConfig } from './load.ts';

const valid = `
identity: { site: plant-1, line: line-a, cell: press-01, sisterGroup: presses }
hub: { url: "mqtt://127.0.0.1:1883", username: plant-1.line-a.press-01, password: s3cret }
endpoints:
  - name: kepware
    url: opc.tcp://127.0.0.1:49320
`;

describe('agent config', () => {
  test('a minimal file gets the documented defaults', () => {
    const c = parseConfig(valid, '/etc/cellfleet/agent.yaml');
    assert.equal(c.probe.intervalMs, 300_000);
    assert.equal(c.hub.keepaliveSec, 30);
    assert.equal(c.dataDir, '/etc/cellfleet/data');
    assert.equal(c.outbox.maxAgeMs, 7 * 24 * 3600_000);
    assert.equal(c.endpoints[0]?.name, 'kepware');
  });

  test('a site health signal and a node budget per endpoint (issue 13)', () => {
    const c = parseConfig(
      valid.replace(
        'url: opc.tcp://127.0.0.1:49320',
        `url: opc.tcp://127.0.0.1:49320
    snapshotMaxNodes: 5000
    health:
      defaults: false
      signals:
        - { id: fieldbus, label: Fieldbus OK, path: "PLC/Diagnostics/FieldbusOk", device: 2, bad: { equals: [false] } }`,
      ),
      '/etc/cellfleet/agent.yaml',
    );
    assert.equal(c.endpoints[0]?.snapshotMaxNodes, 5000);
    assert.equal(c.endpoints[0]?.health?.defaults, false);
    assert.deepEqual(c.endpoints[0]?.health?.signals?.[0]?.bad, { equals: [false] });
  });

  const broken: Array<[string, string, RegExp]> = [
    [
      'a missing identity.cell',
      valid.replace('cell: press-01, ', ''),
      /agent\.yaml: identity\.cell is required/,
    ],
    ['a cell with a slash', valid.replace('press-01,', '"press/01",'), /identity\.cell must match pattern/],
    ['an http hub url', valid.replace('mqtt://', 'http://'), /hub\.url must match pattern/],
    [
      'a non-opc.tcp endpoint',
      valid.replace('opc.tcp://', 'https://'),
      /endpoints\[0\]\.url must match pattern/,
    ],
    [
      'no endpoints',
      valid.replace(/endpoints:[\s\S]*/, 'endpoints: []'),
      /endpoints must not have fewer than 1 items/,
    ],
    ['a string interval', `${valid}probe: { intervalMs: soon }`, /probe\.intervalMs must be integer/],
    ['a too-short interval', `${valid}probe: { intervalMs: 10 }`, /probe\.intervalMs must be >= 1000/],
    ['broken YAML', 'identity: [', /agent\.yaml: not valid YAML/],
    [
      'a duplicate endpoint name',
      `${valid}  - name: kepware\n    url: opc.tcp://127.0.0.1:1\n`,
      /endpoints\[1\]\.name "kepware" is used twice/,
    ],
    [
      'a miscased trustOnFirstUse (issue 12)',
      valid.replace(
        'url: opc.tcp://127.0.0.1:49320',
        'url: opc.tcp://127.0.0.1:49320\n    trustOnFirstUSE: true',
      ),
      /agent\.yaml: endpoints\[0\]\.trustOnFirstUSE is not a known key; did you mean endpoints\[0\]\.trustOnFirstUse\?/,
    ],
    [
      'a misspelled logLevel',
      `${valid}logLevl: debug`,
      /logLevl is not a known key; did you mean logLevel\?/,
    ],
    [
      'a miscased probe.intervalMs',
      `${valid}probe: { intervalMS: 1000 }`,
      /probe\.intervalMS is not a known key; did you mean probe\.intervalMs\?/,
    ],
    [
      'a password without a user',
      valid.replace('url: opc.tcp://127.0.0.1:49320', 'url: opc.tcp://127.0.0.1:49320\n    password: x'),
      /endpoints\[0\]\.password is set but endpoints\[0\]\.user is not/,
    ],
    [
      'a health signal without a rule',
      valid.replace(
        'url: opc.tcp://127.0.0.1:49320',
        'url: opc.tcp://127.0.0.1:49320\n    health: { signals: [{ id: plc-ok, label: PLC ok, path: PLC/Ok, device: 1 }] }',
      ),
      /endpoints\[0\]\.health\.signals\[0\]\.bad is required/,
    ],
  ];
  for (const [what, text, expected] of broken) {
    test(`rejects ${what}, naming file and field`, () => {
      assert.throws(() => parseConfig(text, '/etc/cellfleet/agent.yaml'), expected);
    });
  }

  test('an unknown key and a schema problem are both named, the unknown key first', () => {
    const text = `${valid.replace('cell: press-01, ', '')}logLevl: debug`;
    assert.throws(
      () => parseConfig(text, 'a.yaml'),
      (err: Error) =>
        /^a\.yaml: logLevl is not a known key; did you mean logLevel\?\na\.yaml: identity\.cell is required/.test(
          err.message,
        ),
    );
  });

  test('a missing file says so with its path', () => {
    assert.throws(
      () => loadConfig('/nonexistent/agent.yaml'),
      /\/nonexistent\/agent\.yaml: cannot read config \(file not found\)/,
    );
  });
});
