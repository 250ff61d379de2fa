// Markdown: for tickets, chat and the lead's BENCHMARKS-style documents.
import type { Comparison } from '../compare/types.ts';
import { isoMinute, mdCell, valueText } from './escape.ts';

export function comparisonMarkdown(c: Comparison): string {
  const out: string[] = [
    `# Sister comparison: ${mdCell(c.group)}`,
    '',
    `Generated ${isoMinute(c.generatedAt)}.`,
  ];
  if (c.golden)
    out.push(`Baseline: golden snapshot of ${mdCell(c.golden.cell)} (${c.golden.hash.slice(0, 12)}).`);
  else out.push('Baseline: the value most sisters share.');
  out.push(
    '',
    ...c.summary.map((s) => `- ${mdCell(s)}`),
    '',
    '## Cells',
    '',
    '| cell | outliers | snapshot | taken |',
    '|---|---:|---|---|',
  );
  for (const cell of c.cells) {
    const taken = cell.takenAt === undefined ? '' : isoMinute(cell.takenAt);
    out.push(`| ${mdCell(cell.cell)} | ${cell.outliers} | ${(cell.hash ?? '').slice(0, 12)} | ${taken} |`);
  }
  out.push('', '## Differences', '');
  if (c.rows.length === 0) out.push('No differences.');
  else {
    out.push('| key | baseline | agreeing | explanation |', '|---|---|---:|---|');
    for (const row of c.rows) {
      const base = row.status === 'tie' ? '**tie**' : mdCell(valueText(row.baseline));
      const why =
        row.status === 'tie' ? mdCell(row.text) : row.outliers.map((o) => mdCell(o.text)).join('<br>');
      out.push(`| ${mdCell(row.label)} | ${base} | ${row.agreeing} | ${why} |`);
    }
  }
  out.push(
    '',
    '## Server certificates',
    '',
    '| cell | state | not after | days left |',
    '|---|---|---|---:|',
  );
  for (const cert of c.certificates) {
    out.push(`| ${mdCell(cert.cell)} | ${cert.state} | ${cert.notAfter ?? ''} | ${cert.daysLeft ?? ''} |`);
  }
  return `${out.join('\n')}\n`;
}
