import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseConfig } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-clients-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'ignition.der'), 'not checked here: only that the file exists');
writeFileSync(join(dir, 'ignition.key'), 'secret', { mode: 0o600 });
chmodSync(join(dir, 'ignition.key'), 0o600);
writeFileSync(join(dir, 'open.key'), 'secret');
chmodSync(join(dir, 'open.key'), 0o644);

const config = (client: string) => `
identity: { site: plant-1, line: line-a, cell: press-01, sisterGroup: presses }
hub: { url: "mqtt://127.0.0.1:1883", username: u, password: p }
endpoints:
  - name: kepware
    url: opc.tcp://127.0.0.1:49320
    rejectedCertificatesDir: pki/rejected
    clients:
${client}
`;
const ignition = `      - name: ignition-gateway
        label: Ignition Gateway
        vendor: ignition
        url: opc.tcp://kepware-host:49320
        securityPolicy: Basic256Sha256
        securityMode: SignAndEncrypt
        userTokenType: UserName
        certificate: ignition.der`;
const file = join(dir, 'agent.yaml');

describe('agent config: the cell clients (issue 17)', () => {
  test('paths become absolute beside the config file; a key file of mode 0600 is taken', () => {
    const c = parseConfig(config(`${ignition}\n        privateKey: ignition.key`), file);
    const ep = c.endpoints[0];
    assert.equal(ep?.rejectedCertificatesDir, join(dir, 'pki', 'rejected'));
    assert.equal(ep?.clients?.[0]?.certificate, join(dir, 'ignition.der'));
    assert.equal(ep?.clients?.[0]?.privateKey, join(dir, 'ignition.key'));
    assert.equal(ep?.clients?.[0]?.securityMode, 'SignAndEncrypt');
  });

  const refused: Array<[string, string, RegExp]> = [
    [
      'a key file others can read, naming the mode found',
      `${ignition}\n        privateKey: open.key`,
      /clients\[0\]\.privateKey .*open\.key is readable by group or others \(mode 0644\)/,
    ],
    [
      'a missing certificate file',
      ignition.replace('ignition.der', 'gone.der'),
      /clients\[0\]\.certificate .*gone\.der cannot be read \(ENOENT\)/,
    ],
    ['an unknown key', `${ignition}\n        pasword: x`, /clients\/0\/pasword|clients\[0\]\.pasword/],
    ['a policy that does not exist', ignition.replace('Basic256Sha256', 'Basic512'), /securityPolicy/],
    ['a name used twice', `${ignition}\n${ignition}`, /clients\[1\]\.name "ignition-gateway" is used twice/],
    ['an unknown client platform', ignition.replace('vendor: ignition', 'vendor: acme'), /vendor "acme"/],
  ];
  for (const [what, client, expected] of refused) {
    test(`refuses ${what}`, () => assert.throws(() => parseConfig(config(client), file), expected));
  }
});

describe('agent config: the server event log (issue 17)', () => {
  writeFileSync(join(dir, 'kepware.pw'), 'pw', { mode: 0o600 });
  chmodSync(join(dir, 'kepware.pw'), 0o600);
  writeFileSync(join(dir, 'open.pw'), 'pw');
  chmodSync(join(dir, 'open.pw'), 0o640);
  const withLog = (log: string) =>
    config(ignition).replace('    clients:\n', `    eventLog:\n${log}\n    clients:\n`);
  const kepware = (over: Record<string, string> = {}) =>
    Object.entries({
      kind: 'kepware-config-api',
      url: 'http://127.0.0.1:57412',
      user: 'cellfleet',
      passwordFile: 'kepware.pw',
      ...over,
    })
      .map(([k, v]) => `      ${k}: ${v}`)
      .join('\n');

  test('the password file becomes absolute beside the config file', () => {
    const ep = parseConfig(withLog(kepware()), file).endpoints[0];
    assert.deepEqual(ep?.eventLog, {
      kind: 'kepware-config-api',
      url: 'http://127.0.0.1:57412',
      user: 'cellfleet',
      passwordFile: join(dir, 'kepware.pw'),
    });
  });

  const refused: Array<[string, string, RegExp]> = [
    [
      'a password file group can read, naming the mode',
      kepware({ passwordFile: 'open.pw' }),
      /endpoints\[0\]\.eventLog\.passwordFile .*open\.pw is readable by group or others \(mode 0640\)/,
    ],
    ['a missing password file', kepware({ passwordFile: 'gone.pw' }), /eventLog\.passwordFile .*ENOENT/],
    [
      'an unknown key, with its path',
      `${kepware()}\n      password: inline`,
      /eventLog\/password|eventLog\.password\b/,
    ],
    ['an unknown kind', kepware({ kind: 'ignition-rest' }), /eventLog\/kind|eventLog\.kind/],
    [
      'plain http to another machine',
      kepware({ url: 'http://kepware-01:57412' }),
      /plain http to another machine/,
    ],
    [
      'credentials in the URL',
      kepware({ url: 'https://u:p@kepware-01:57412' }),
      /eventLog\.url|eventLog\/url/,
    ],
  ];
  for (const [what, log, expected] of refused) {
    test(`refuses ${what}`, () => assert.throws(() => parseConfig(withLog(log), file), expected));
  }
});
