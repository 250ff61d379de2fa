// Every vendor profile is checked the same way, so a new platform file is held to the rules of
// issue 13: its fix steps name products it declares, every fact cites a source it lists, its
// patterns compile, and a block resting only on unverified sources says so in its own words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIAGNOSIS_CODES, type DiagnosisCode, VENDOR_IDS } from '../codes.ts';
import { matchesSignal } from '../health.ts';
import { VENDOR_PROFILES } from './index.ts';
import type { VendorProfile } from './types.ts';

/** Codes the emulated cells' faults produce (tests/src/fault-matrix.test.ts). */
const MATRIX_CODES: readonly DiagnosisCode[] = [
  'port-closed',
  'not-opcua',
  'handshake-timeout',
  'connection-dropped',
  'client-cert-untrusted',
  'server-cert-untrusted',
  'server-cert-expired',
  'cert-uri-mismatch',
  'security-policy-mismatch',
  'deprecated-security-only',
  'security-none-only',
  'anonymous-disabled',
  'bad-credentials',
  'too-many-sessions',
  'advertised-host-unresolvable',
  'clock-skew',
  'server-busy',
  'message-too-large',
  'device-not-communicating',
];
/** Profiles whose fix steps live in their own advice (Kepware and Ignition keep theirs in knowledge/). */
const OWN_FIXES = ['rockwell', 'aveva', 'siemens', 'ge'];
const SAYS_UNCERTAIN = /unverified|not documented|not found|a guess/i;

function citedSources(p: VendorProfile): { where: string; source: string }[] {
  const out: { where: string; source: string }[] = [];
  const clues = [
    ...p.detect.texts,
    ...p.detect.paths,
    ...p.detect.names,
    ...(p.detect.versions ?? []),
    ...p.detect.ports,
  ];
  for (const c of clues) out.push({ where: 'detect', source: c.source });
  for (const [code, a] of Object.entries(p.advice)) {
    for (const c of [...(a.causes ?? []), ...(a.shows ?? [])]) out.push({ where: code, source: c.source });
    for (const [product, b] of Object.entries(a.fix ?? {})) {
      for (const s of b.sources) out.push({ where: `${code}/${product}`, source: s });
    }
  }
  for (const pf of p.pitfalls)
    out.push(
      { where: pf.id, source: pf.source },
      ...pf.fix.sources.map((s) => ({ where: pf.id, source: s })),
    );
  return out;
}

for (const p of VENDOR_PROFILES) {
  test(`profile ${p.id}: ids, products, sources and patterns are consistent`, () => {
    assert.ok((VENDOR_IDS as readonly string[]).includes(p.id), `${p.id} is in VENDOR_IDS`);
    const ids = p.products.map((x) => x.id);
    assert.equal(new Set(ids).size, ids.length, 'product ids are unique');
    for (const { where, source } of citedSources(p)) {
      assert.ok(p.sources[source], `${where} cites "${source}", which ${p.id}.sources does not list`);
    }
    for (const [code, a] of Object.entries(p.advice)) {
      assert.ok((DIAGNOSIS_CODES as readonly string[]).includes(code), `advice for unknown code ${code}`);
      for (const product of Object.keys(a.fix ?? {})) {
        assert.equal(p.products.find((x) => x.id === product)?.role, 'server', `${code}: fix for ${product}`);
      }
    }
    const patterns = [...p.detect.texts, ...p.detect.paths, ...p.detect.names, ...(p.detect.versions ?? [])];
    for (const c of patterns) {
      assert.doesNotThrow(() => new RegExp(c.pattern, 'i'), c.pattern);
      if (c.product) assert.ok(ids.includes(c.product), `clue ${c.pattern} names product ${c.product}`);
    }
    for (const h of p.health) assert.equal(typeof matchesSignal(h, 'a/b/c/d'), 'boolean', h.id);
  });

  test(`profile ${p.id}: a fix resting only on unverified sources says so`, () => {
    for (const [code, a] of Object.entries(p.advice)) {
      for (const [product, b] of Object.entries(a.fix ?? {})) {
        const kinds = b.sources.map((s) => p.sources[s]?.kind);
        if (kinds.length === 0 || kinds.some((k) => k !== 'unverified')) continue;
        assert.match(
          b.steps.join(' '),
          SAYS_UNCERTAIN,
          `${p.id} ${code}/${product} rests on unverified sources`,
        );
      }
    }
  });
}

for (const id of OWN_FIXES) {
  test(`profile ${id}: every server product has fix steps for every code the fault matrix produces`, () => {
    const p = VENDOR_PROFILES.find((x) => x.id === id);
    assert.ok(p);
    const missing = p.products
      .filter((x) => x.role === 'server')
      .flatMap((x) => MATRIX_CODES.filter((c) => !p.advice[c]?.fix?.[x.id]).map((c) => `${x.id}/${c}`));
    assert.deepEqual(missing, []);
  });
}
