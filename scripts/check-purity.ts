// Keeps packages/core and packages/protocol free of I/O (CONVENTIONS.md: "the domain is pure").
// An allowlist, not a denylist: a new import has to be argued for here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PURE_PACKAGES = ['packages/core/src', 'packages/protocol/src'];
const ALLOWED_IMPORTS = [/^\.\.?\//, /^typebox(\/.*)?$/, /^@cellfleet\/(core|protocol)$/];
// Ambient I/O and clocks that need no import: `now` and randomness are parameters in pure code.
const FORBIDDEN_GLOBALS = [
  /\bprocess\./,
  /\bset(Timeout|Interval|Immediate)\(/,
  /\bDate\.now\(/,
  /new Date\(\)/,
  /\bfetch\(/,
  /Math\.random\(/,
  /\bconsole\./,
];

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) yield path;
  }
}

const problems: string[] = [];
for (const root of PURE_PACKAGES) {
  for (const file of sourceFiles(root)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      for (const m of line.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1] ?? '';
        if (!ALLOWED_IMPORTS.some((re) => re.test(spec))) problems.push(`${where}: imports '${spec}'`);
      }
      for (const re of FORBIDDEN_GLOBALS) {
        if (re.test(line) && !line.trimStart().startsWith('//')) problems.push(`${where}: uses ${re.source}`);
      }
    });
  }
}
if (problems.length > 0) {
  console.error(
    `packages/core and packages/protocol must stay pure (no I/O, clocks or randomness):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`purity: ${PURE_PACKAGES.join(', ')} import no I/O`);
