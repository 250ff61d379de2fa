// Random sister groups from a seeded PRNG, one table row per kind of group: the inputs on which
// the fast comparison (reference.test.ts) and the tally (tally.test.ts) must match the reference.
import type { Json } from '../canonical.ts';
import type { SnapshotEntries } from '../snapshot/types.ts';
import type { CompareInput, CompareRules, SisterSnapshot } from './types.ts';

/** mulberry32: small, seeded, good enough to pick test cases. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
export type Rng = ReturnType<typeof prng>;

export const NOW = Date.UTC(2026, 10, 24);
const DAY = 86_400_000;
const NODE = '/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}';
const KEYS = [
  'server.softwareVersion',
  'server.buildNumber',
  'namespaces',
  'limits.maxNodesPerRead',
  'certificate.thumbprint',
  'certificate.notAfter',
  `${NODE}T1`,
  `${NODE}T2`,
  `${NODE}T3`,
  `${NODE}A%23B`,
  `${NODE}{KEPServerEX}Recipe/{KEPServerEX}Speed`,
  `${NODE}{KEPServerEX}Recipe/{KEPServerEX}Password`,
  '/Objects/extra',
];
// Fresh objects on every call: equal values that are not the same object.
const OBJECTS: (() => Json)[] = [
  () => ({ $redacted: true }),
  () => ({ $redacted: true, fp: 'ab12' }),
  () => ({ $redacted: true, fp: 'cd34' }),
  () => [1, 2],
  () => [2, 1],
  () => ['urn:a', '{server}'],
  () => ({ a: 1, b: [true, null] }),
  () => ({ b: [true, null], a: 1 }),
  () => ({ a: 1 }),
  () => ({ nested: { $redacted: true, fp: 'x' } }),
];
const PRIMITIVES: readonly Json[] = [
  '6.16.1',
  '6.14.263',
  'a|b',
  'null',
  '5',
  0,
  -0,
  5,
  100,
  100.2,
  99.9,
  130,
  true,
  false,
  null,
];

export function value(r: Rng): Json {
  return r.chance(0.3) ? r.pick(OBJECTS)() : r.pick(PRIMITIVES);
}

function entry(r: Rng, key: string): Json {
  if (key === 'certificate.notAfter') return new Date(NOW + (r.int(80) - 10) * DAY).toISOString();
  if (!key.startsWith('/') || r.chance(0.1)) return value(r);
  const node: Record<string, Json> = { class: r.chance(0.9) ? 'Variable' : 'Object' };
  if (r.chance(0.8)) node['dataType'] = r.pick(['Double', 'Double', 'Int32', 'null', 5]);
  else if (r.chance(0.3)) node['dataType'] = null;
  if (r.chance(0.8)) node['access'] = r.pick(['RW', 'RW', 'R', 'a|b']);
  if (r.chance(0.7)) node['value'] = value(r);
  return node;
}

const clone = (e: SnapshotEntries): SnapshotEntries => JSON.parse(JSON.stringify(e));

export interface Shape {
  readonly cells: [number, number];
  readonly keys: [number, number];
  /** Chance that a cell's value of a key differs from the common one. */
  readonly drift: number;
  /** Chance that a cell lacks a key / has one more. */
  readonly missing: number;
  readonly extra: number;
  /** Chance a cell shares another cell's entries object; that a cell's entries are parsed JSON. */
  readonly share: number;
  readonly parsed: number;
  readonly golden: number;
  readonly rules: number;
}

export function group(r: Rng, s: Shape): CompareInput {
  const nKeys = s.keys[0] + r.int(s.keys[1] - s.keys[0] + 1);
  const keys = [...KEYS].sort(() => r.next() - 0.5).slice(0, nKeys);
  const base: SnapshotEntries = {};
  for (const k of keys) base[k] = entry(r, k);
  const nCells = s.cells[0] + r.int(s.cells[1] - s.cells[0] + 1);
  const made: SnapshotEntries[] = [];
  const cells: SisterSnapshot[] = [];
  for (let i = 0; i < nCells; i++) {
    let entries: SnapshotEntries;
    if (made.length > 0 && r.chance(s.share)) entries = r.pick(made);
    else {
      entries = {};
      // A few cells list their keys in another order than the rest.
      const order = r.chance(0.2) ? [...keys].reverse() : keys;
      for (const k of order) {
        if (r.chance(s.missing)) continue;
        entries[k] = r.chance(s.drift) ? entry(r, k) : base[k]!;
      }
      for (const k of KEYS) if (!(k in base) && r.chance(s.extra)) entries[k] = entry(r, k);
      if (r.chance(s.parsed)) entries = clone(entries);
      made.push(entries);
    }
    cells.push({ cell: `cell-${String(r.int(1000)).padStart(3, '0')}-${i}`, hash: `h${i}`, entries });
  }
  const rules: CompareRules = r.chance(s.rules)
    ? {
        ignore: [r.pick(['server.*', 'Channel1/Device1/T1', '**#value', 'Channel1/**', 'limits.*', 'extra'])],
        tolerances: [
          r.pick([
            { match: '**', abs: 0.5 },
            { match: '**/T2', rel: 0.1 },
            { match: 'limits.*', abs: 2 },
          ]),
        ],
        expiryWarningDays: r.int(60),
      }
    : {};
  const input: CompareInput = { group: 'g', now: NOW, cells: cells.sort(() => r.next() - 0.5), rules };
  if (!r.chance(s.golden)) return input;
  const from = r.pick(cells);
  const entries = r.chance(0.3)
    ? from.entries
    : r.chance(0.5)
      ? clone(from.entries)
      : { ...base, [r.pick(keys)]: value(r) };
  return { ...input, golden: { cell: from.cell, hash: 'f'.repeat(64), entries } };
}

const BASE: Shape = {
  cells: [1, 8],
  keys: [1, 13],
  drift: 0.15,
  missing: 0.05,
  extra: 0.03,
  share: 0.2,
  parsed: 0.5,
  golden: 0.25,
  rules: 0.4,
};

export const TABLE: { name: string; shape: Shape }[] = [
  { name: 'mixed groups', shape: BASE },
  { name: 'two or three cells: ties', shape: { ...BASE, cells: [2, 3], drift: 0.5 } },
  { name: 'mostly identical, parsed from JSON', shape: { ...BASE, drift: 0.02, missing: 0.01, parsed: 1 } },
  { name: 'heavy drift and missing keys', shape: { ...BASE, drift: 0.6, missing: 0.3, extra: 0.2 } },
  { name: 'shared entries objects', shape: { ...BASE, share: 0.7, parsed: 0.2 } },
  { name: 'always golden', shape: { ...BASE, golden: 1 } },
  { name: 'always rules', shape: { ...BASE, rules: 1 } },
  { name: 'larger groups', shape: { ...BASE, cells: [20, 40], drift: 0.05 } },
  { name: 'single cell', shape: { ...BASE, cells: [1, 1] } },
];
