// Rewrites the per-vendor section of docs/diagnosis.md from the vendor profiles
// (packages/core/src/diagnosis/vendors). `--check` exits 1 when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_BEGIN, DOCS_END, vendorDocs } from '@cellfleet/core';

const file = join(import.meta.dirname, '..', 'docs', 'diagnosis.md');
const text = readFileSync(file, 'utf8');
const begin = text.indexOf(DOCS_BEGIN);
const end = text.indexOf(DOCS_END);
if (begin < 0 || end < begin) {
  console.error(`${file}: no generated vendor section (markers ${DOCS_BEGIN} … ${DOCS_END})`);
  process.exit(2);
}
const next = text.slice(0, begin) + vendorDocs() + text.slice(end + DOCS_END.length);
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error(`${file}: the vendor section is out of date; run node scripts/vendor-docs.ts`);
    process.exit(1);
  }
} else if (next !== text) {
  writeFileSync(file, next);
  console.log(`${file}: vendor section rewritten`);
}
