import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cycles, specifiers, valueSpecifiers } from './check-imports.ts';

test('import specifiers: static, type-only, re-exports and dynamic imports', () => {
  const text = `import a from './a.ts';
import type { B } from '../b/index.ts';
export { c } from "./c.ts";
const d = await import('./d.ts');
// "from './not-an-import.ts'" in a comment is still matched: a false alarm beats a miss`;
  assert.deepEqual(specifiers(text).slice(0, 4), ['./a.ts', '../b/index.ts', './c.ts', './d.ts']);
});

test('folder cycles: none in a tree of rooms, every loop reported', () => {
  const g = (edges: Record<string, string[]>) =>
    new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));
  assert.deepEqual(cycles(g({ 'hub.ts': ['cells/', 'db/'], 'cells/': ['db/'], 'db/': [] })), []);
  assert.deepEqual(cycles(g({ 'cells/': ['store/'], 'store/': ['cells/'] })), [
    ['cells/', 'store/', 'cells/'],
  ]);
  assert.deepEqual(cycles(g({ 'a/': ['b/'], 'b/': ['c/'], 'c/': ['a/'] })), [['a/', 'b/', 'c/', 'a/']]);
});

test('value imports: a type-only import or re-export is not one; a mixed one is', () => {
  const text = `// a comment that says export and (for admins) more, then:
import type { A } from '@cellfleet/protocol';
import {
  type B,
  C,
} from '@cellfleet/protocol';
import D from './d.ts';
import * as G from './g.ts';
export type { E } from './e.ts';
export { F } from './f.ts';`;
  assert.deepEqual(valueSpecifiers(text), ['@cellfleet/protocol', './d.ts', './g.ts', './f.ts']);
});
