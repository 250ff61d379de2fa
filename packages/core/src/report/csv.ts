// CSV in long form: one line per (key, cell) that differs, so a spreadsheet can filter and
// pivot by cell or by key whatever the group size. Ties list every tied cell.
import type { Comparison } from '../compare/types.ts';
import { csvField, valueText } from './escape.ts';

const HEADER = [
  'group',
  'key',
  'label',
  'status',
  'baseline',
  'baseline_source',
  'cell',
  'value',
  'explanation',
];

export function comparisonCsv(c: Comparison): string {
  const lines = [HEADER.join(',')];
  const line = (fields: string[]) => lines.push(fields.map(csvField).join(','));
  for (const row of c.rows) {
    const base = row.status === 'tie' ? '' : valueText(row.baseline);
    if (row.status === 'tie') {
      for (const t of row.tie ?? []) {
        for (const cell of t.cells) {
          line([
            c.group,
            row.key,
            row.label,
            'tie',
            base,
            row.baselineSource,
            cell,
            valueText(t.value),
            row.text,
          ]);
        }
      }
      continue;
    }
    for (const o of row.outliers) {
      line([
        c.group,
        row.key,
        row.label,
        'outlier',
        base,
        row.baselineSource,
        o.cell,
        valueText(o.value),
        o.text,
      ]);
    }
  }
  for (const cert of c.certificates) {
    if (cert.state === 'ok') continue;
    line([
      c.group,
      'certificate.notAfter',
      'server certificate',
      cert.state,
      '',
      '',
      cert.cell,
      cert.notAfter ?? '',
      cert.text,
    ]);
  }
  return `${lines.join('\r\n')}\r\n`;
}
