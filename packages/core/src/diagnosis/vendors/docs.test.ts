// docs/diagnosis.md's per-vendor section is generated from the profiles: it must be current,
// and every vendor fact in it must cite a source (or say it is general practice).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOCS_BEGIN, DOCS_END, vendorDocs } from './docs.ts';
import { VENDOR_PROFILES } from './index.ts';

const doc = readFileSync(
  join(import.meta.dirname, '..', '..', '..', '..', '..', 'docs', 'diagnosis.md'),
  'utf8',
);

test('docs/diagnosis.md has the current per-vendor section (node scripts/vendor-docs.ts rewrites it)', () => {
  const begin = doc.indexOf(DOCS_BEGIN);
  const end = doc.indexOf(DOCS_END);
  assert.ok(begin >= 0 && end > begin, 'the generated section markers are present');
  assert.equal(doc.slice(begin, end + DOCS_END.length), vendorDocs());
});

test('every vendor is documented, and every fix, cause and client text in the section cites a source', () => {
  const section = vendorDocs();
  for (const p of VENDOR_PROFILES) assert.ok(section.includes(`### ${p.name} (\`${p.id}\`)`), p.id);
  for (const line of section.split('\n')) {
    if (/^(Fix — |- Cause|- Its clients show)/.test(line)) {
      assert.match(line, /\[[a-z0-9-]+\]|\(general practice, no vendor fact\)/, line);
    }
  }
  for (const p of VENDOR_PROFILES) {
    for (const [id, src] of Object.entries(p.sources)) {
      assert.ok(
        section.includes(`- [${id}] ${src.kind === 'unverified' ? '**unverified**' : ''}`),
        `${p.id}: source ${id} is listed`,
      );
    }
  }
});
