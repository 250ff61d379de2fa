import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSisters } from '../compare/compare.ts';
import { renderComparison } from './index.ts';

const NOW = Date.UTC(2026, 10, 24);
const comparison = compareSisters({
  group: 'presses',
  now: NOW,
  cells: [1, 2, 3].map((i) => ({
    cell: `site.line.cell-${i}`,
    hash: `${i}`.repeat(64),
    takenAt: NOW,
    entries: {
      'server.softwareVersion': i === 2 ? '<script>alert(1)</script>' : '6.16.1',
      'x.formula': i === 3 ? '=HYPERLINK("evil")' : 'ok',
      'certificate.notAfter': '2026-12-01T00:00:00.000Z',
    },
  })),
});

test('HTML is standalone, escaped and printable', () => {
  const html = renderComparison(comparison, 'html');
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /@media print/);
  assert.doesNotMatch(html, /<script>/);
  assert.doesNotMatch(html, /(src|href)=/);
  assert.match(html, /site\.line\.cell-2: softwareVersion &#60;script&#62;/);
  assert.match(html, /expiring/);
});

test('CSV has one line per outlier and defuses formulas', () => {
  const csv = renderComparison(comparison, 'csv').trimEnd().split('\r\n');
  assert.equal(csv[0], 'group,key,label,status,baseline,baseline_source,cell,value,explanation');
  assert.equal(csv.filter((l) => l.includes(',outlier,')).length, 2);
  assert.ok(csv.some((l) => l.includes(`"'=HYPERLINK(""evil"")"`)));
  assert.ok(csv.some((l) => l.includes(',expiring,')));
});

test('Markdown and JSON carry the same facts', () => {
  const md = renderComparison(comparison, 'md');
  assert.match(md, /^# Sister comparison: presses/);
  assert.match(md, /\| softwareVersion \| 6\.16\.1 \| 2 \| site\.line\.cell-2: softwareVersion &lt;script>/);
  const json = JSON.parse(renderComparison(comparison, 'json'));
  assert.equal(json.rows.length, 2);
  assert.equal(json.group, 'presses');
});
