import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { installedConfig, modeProblem } from './installed-config.ts';

const base = `# press-01, enrolled on Monday
identity: { site: p1, line: l1, cell: press-01, sisterGroup: presses }
hub: { url: "mqtts://hub:8883", username: p1.l1.press-01, password: s3cret }
endpoints: [{ name: kepware, url: "opc.tcp://127.0.0.1:49320" }]
`;
interface Doc {
  dataDir?: string;
  maintenance?: { lockFile?: string };
}

const paths = { configDir: '/etc/cellfleet', stateDir: '/var/lib/cellfleet' };
const SOURCE = '/home/tech/press-01.yaml';

test('no dataDir: the state directory; comments survive', () => {
  const c = installedConfig(base, SOURCE, paths);
  assert.equal(parse(c.text).dataDir, '/var/lib/cellfleet');
  assert.equal(c.dataDir, '/var/lib/cellfleet');
  assert.equal(c.cell, 'p1/l1/press-01');
  assert.match(c.text, /^# press-01, enrolled on Monday/);
});

const CASES: Array<[string, string, (doc: Doc, c: ReturnType<typeof installedConfig>) => void]> = [
  [
    'a relative dataDir moves to the state directory',
    'dataDir: ./data\n',
    (d) => assert.equal(d.dataDir, '/var/lib/cellfleet'),
  ],
  [
    'an absolute dataDir is kept (and the unit will allow writing there)',
    'dataDir: /srv/cellfleet\n',
    (d, c) => assert.deepEqual([d.dataDir, c.dataDir], ['/srv/cellfleet', '/srv/cellfleet']),
  ],
  [
    'a relative lockFile is resolved against the original config',
    'maintenance: { lockFile: run/line-running }\n',
    (d) => assert.equal(d.maintenance?.lockFile, '/home/tech/run/line-running'),
  ],
];

for (const [name, extra, check] of CASES) {
  test(name, () => {
    const c = installedConfig(base + extra, SOURCE, paths);
    check(parse(c.text) as Doc, c);
  });
}

test('hub.caFile is copied beside the installed config', () => {
  const text = base.replace('password: s3cret', 'password: s3cret, caFile: ca/hub.pem');
  const c = installedConfig(text, SOURCE, paths);
  assert.deepEqual(c.copies, [{ from: '/home/tech/ca/hub.pem', to: '/etc/cellfleet/hub.pem' }]);
  assert.equal(parse(c.text).hub.caFile, '/etc/cellfleet/hub.pem');
});

test('an invalid config is refused before anything is written, naming the field', () => {
  assert.throws(
    () => installedConfig(base.replace('cell: press-01, ', ''), SOURCE, paths),
    /identity\.cell is required/,
  );
});

const MODES: Array<[number, boolean]> = [
  [0o100600, false],
  [0o100400, false],
  [0o100640, true],
  [0o100644, true],
  [0o100606, true],
];
for (const [mode, bad] of MODES) {
  test(`mode ${(mode & 0o777).toString(8)} ${bad ? 'is' : 'is not'} a problem`, () => {
    const p = modeProblem('/etc/cellfleet/agent.yaml', mode);
    assert.equal(p !== undefined, bad);
    if (p) assert.match(p, /chmod 600 \/etc\/cellfleet\/agent\.yaml/);
  });
}
