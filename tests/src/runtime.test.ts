// The project brings its own Node: npm puts the pinned `node` package first on the PATH of
// every npm script, whatever Node the machine has.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import rootPackage from '../../package.json' with { type: 'json' };

test('tests run on the pinned Node 24 LTS', () => {
  const pinned = rootPackage.devDependencies.node;
  assert.equal(process.versions.node, pinned, `running ${process.versions.node}, pinned ${pinned}`);
  assert.equal(process.versions.node.split('.')[0], '24');
});

test('engines allows Node >= 22.13 (node:sqlite, type stripping)', () => {
  assert.equal(rootPackage.engines.node, '>=22.13');
});
