import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalSnapshot, snapshotFromContent } from './canonical.ts';
import { applyDelta, choosePublication, makeDelta } from './delta.ts';
import { describeDrift, diffEntries } from './diff.ts';
import { globMatch } from './glob.ts';
import { attributeKey, childKey, keyLabel, namePath, parseNodeKey, rulePath } from './keys.ts';
import { classifyNode, formatRules, parseRule, ruleSet } from './rules.ts';
import type { Snapshot } from './types.ts';

const snap = (entries: Snapshot['entries'], takenAt = 1): Snapshot => ({
  format: 1,
  endpoint: 'kepware',
  takenAt,
  status: { state: 'complete', nodes: 2 },
  entries,
});

test('node keys qualify names with namespace URIs and escape separators', () => {
  const dev = childKey(childKey('/Objects', 'KEPServerEX', 'Channel1'), 'KEPServerEX', 'Dev/1#a');
  assert.equal(dev, '/Objects/{KEPServerEX}Channel1/{KEPServerEX}Dev%2F1%23a');
  assert.deepEqual(parseNodeKey(attributeKey(dev, 'value')), {
    names: ['Objects', 'Channel1', 'Dev/1#a'],
    attribute: 'value',
  });
  assert.equal(namePath(dev), 'Channel1/Dev/1#a');
  assert.equal(rulePath(attributeKey(dev, 'dataType')), 'Channel1/Dev/1#a#dataType');
  assert.equal(keyLabel('server.softwareVersion'), 'softwareVersion');
  assert.equal(keyLabel(attributeKey(dev, 'value')), 'Channel1/Dev/1#a');
  assert.equal(childKey('/Objects', 'http://opcfoundation.org/UA/', 'Server'), '/Objects/Server');
});

test('globs: * stays in a segment, ** crosses segments, case-insensitive', () => {
  assert.ok(globMatch('**/_System/**', 'Channel1/Device1/_System/_Error'));
  assert.ok(globMatch('**/*password*', 'Channel1/Device1/Config/Password'));
  assert.ok(globMatch('**/X', 'X'));
  assert.ok(!globMatch('Channel1/*', 'Channel1/Device1/Tag'));
  assert.ok(globMatch('limits.*', 'limits.maxNodesPerRead'));
});

test('default rules: secrets, clocks, counters, process values, read-only values', () => {
  const set = ruleSet();
  const cases: [string, boolean | undefined, string][] = [
    ['Channel1/Device1/Config/Password', false, 'secret'],
    ['_System/_DateTime', true, 'volatile'],
    ['Channel1/Device1/_System/_Enabled', false, 'keep'],
    ['Channel1/Device1/_System/_Error', true, 'volatile'],
    ['Channel1/Device1/Counters/PartCount', true, 'volatile'],
    ['Channel1/Device1/Process/ActualSpeed', true, 'volatile'],
    ['Channel1/Device1/Recipe/Speed', false, 'keep'],
    ['Channel1/Device1/Recipe/Profile', true, 'volatile'],
    ['Channel1/Device1', undefined, 'keep'],
  ];
  for (const [path, readOnly, want] of cases) {
    const facts = readOnly === undefined ? { path } : { path, readOnly };
    assert.equal(classifyNode(set, facts), want, path);
  }
});

test('user rules come first and can override the defaults', () => {
  const include = parseRule('include:**/Recipe/Profile')!;
  assert.equal(
    classifyNode(ruleSet([include]), { path: 'Channel1/Device1/Recipe/Profile', readOnly: true }),
    'keep',
  );
  assert.deepEqual(parseRule('volatile:readonly:**/X'), {
    action: 'volatile',
    match: '**/X',
    readOnly: true,
  });
  assert.equal(parseRule('nonsense'), undefined);
  assert.equal(classifyNode(ruleSet([], false), { path: 'a/Password' }), 'keep');
  assert.match(formatRules(ruleSet([include])), /^include:\*\*\/Recipe\/Profile/);
});

test('canonical form ignores takenAt and endpoint name and key order', () => {
  const a = snap({ b: 1, a: 'x' }, 1);
  const b = { ...snap({ a: 'x', b: 1 }, 99), endpoint: 'other' };
  assert.equal(canonicalSnapshot(a), canonicalSnapshot(b));
  assert.notEqual(canonicalSnapshot(a), canonicalSnapshot(snap({ a: 'y', b: 1 })));
  const back = snapshotFromContent(JSON.parse(canonicalSnapshot(a)), { endpoint: 'e', takenAt: 5 });
  assert.equal(back && canonicalSnapshot(back), canonicalSnapshot(a));
  assert.equal(snapshotFromContent({ format: 2 }, { endpoint: 'e', takenAt: 5 }), undefined);
});

test('diff lists added, removed and changed keys with old and new values, in words', () => {
  const d = diffEntries(
    { 'server.softwareVersion': '6.16.1', gone: 1, same: [1, 2] },
    { 'server.softwareVersion': '6.14.263', new: true, same: [1, 2] },
  );
  assert.deepEqual(d.changed, [
    {
      key: 'server.softwareVersion',
      label: 'softwareVersion',
      kind: 'changed',
      from: '6.16.1',
      to: '6.14.263',
    },
  ]);
  assert.deepEqual(
    d.removed.map((c) => c.key),
    ['gone'],
  );
  assert.deepEqual(
    d.added.map((c) => c.key),
    ['new'],
  );
  const at = Date.UTC(2026, 10, 24, 2, 14);
  assert.equal(
    describeDrift({ added: [], removed: [], changed: d.changed }, at),
    'softwareVersion changed 6.16.1 → 6.14.263 at 2026-11-24 02:14 UTC',
  );
  assert.match(describeDrift(d, at, 1), /and 2 more changes at/);
});

test('delta round trip reproduces the next snapshot exactly', () => {
  const base = snap({ a: 1, b: 'x', c: { v: 1 } });
  const next = snap({ a: 2, c: { v: 1 }, d: null }, 2);
  const delta = makeDelta(base, next);
  assert.deepEqual(delta.ops, [
    { op: 'del', key: 'b' },
    { op: 'set', key: 'a', value: 2 },
    { op: 'set', key: 'd', value: null },
  ]);
  const rebuilt = applyDelta(base, delta, { endpoint: 'kepware', takenAt: 2 });
  assert.equal(canonicalSnapshot(rebuilt), canonicalSnapshot(next));
});

test('publication choice: hash when acknowledged, delta when it fits, else full', () => {
  const max = 1000;
  assert.equal(choosePublication({ hash: 'h', ackedHash: 'h', maxMessageBytes: max }), 'hash');
  assert.equal(choosePublication({ hash: 'h', ackedHash: undefined, maxMessageBytes: max }), 'full');
  assert.equal(
    choosePublication({ hash: 'h', ackedHash: 'g', deltaMessageBytes: 10, maxMessageBytes: max }),
    'delta',
  );
  assert.equal(
    choosePublication({ hash: 'h', ackedHash: 'g', deltaMessageBytes: 2000, maxMessageBytes: max }),
    'full',
  );
});
