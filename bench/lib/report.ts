// BENCHMARKS.md holds one `## ` section per benchmark; a run replaces only its own sections,
// so benchmarks written by others keep theirs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const FILE = new URL('../../BENCHMARKS.md', import.meta.url).pathname;
const HEAD =
  '# Benchmarks\n\nWritten by `npm run bench` (bench/main.ts); each section by its own bench file.\n';

export function writeSection(title: string, body: string): void {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEAD;
  const header = `## ${title}\n`;
  const section = `${header}\n${body.trim()}\n\n`;
  const start = text.indexOf(header);
  if (start < 0) {
    writeFileSync(FILE, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + header.length);
  writeFileSync(FILE, text.slice(0, start) + section + (next < 0 ? '' : text.slice(next + 1)));
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';
export const ratio = (a: number, b: number) =>
  b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : 'n/a';

export function machine(): string {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0;
  return `${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpus} CPUs, loopback; load generator and servers share the machine (${loadNote()})`;
}

/**
 * The machine's load average (1, 5, 15 min) as the bench ends: other work on a shared machine
 * (other sessions' tests) slows what is measured, so the numbers are read beside it.
 */
export function loadNote(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} over 1 / 5 / 15 min`;
}

/**
 * bench/snapshot.ts keeps its detailed tables in bench/snapshot-results.md; BENCHMARKS.md carries
 * them as one section (its headings demoted so the section stays one `##` block).
 */
export function embedSnapshotResults(file: string): void {
  if (!existsSync(file)) return;
  const body = readFileSync(file, 'utf8')
    .replace(/^# .*\n/, '')
    .replace(/^## /gm, '### ');
  writeSection(
    'Snapshots and sister comparison',
    `From \`bench/snapshot.ts\` (full tables in \`bench/snapshot-results.md\`).\n${body}`,
  );
}
