// Standalone HTML: one file, inline CSS, no scripts, fonts or images, so it can be mailed,
// archived and printed (A4/Letter via @media print) exactly as generated.
import type { Comparison, ComparisonRow } from '../compare/types.ts';
import { escapeHtml as h, isoMinute, valueText } from './escape.ts';

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1a1a1a}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.tie{background:#fff7d6}.bad{color:#a30000;font-weight:600}.warn{color:#8a5a00;font-weight:600}.muted{color:#666}
ul.why{margin:0;padding-left:1.1rem}
@media print{body{margin:0;font-size:11px}h2{break-after:avoid}tr{break-inside:avoid}th{background:#eee!important}}
`;

function cellsTable(c: Comparison): string {
  const rows = c.cells.map((cell) => {
    const taken = cell.takenAt === undefined ? '' : isoMinute(cell.takenAt);
    const cls = cell.outliers > 0 ? ' class="bad"' : '';
    return `<tr><td>${h(cell.cell)}</td><td class="num"><span${cls}>${cell.outliers}</span></td><td><code>${h((cell.hash ?? '').slice(0, 12))}</code></td><td>${h(taken)}</td></tr>`;
  });
  return `<table><thead><tr><th>cell</th><th>outliers</th><th>snapshot</th><th>taken</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function diffRow(row: ComparisonRow): string {
  if (row.status === 'tie') {
    return `<tr class="tie"><td><code>${h(row.label)}</code></td><td><strong>tie</strong></td><td class="num">–</td><td>${h(row.text)}</td></tr>`;
  }
  const why = row.outliers.map((o) => `<li>${h(o.text)}</li>`).join('');
  return `<tr><td><code>${h(row.label)}</code></td><td><code>${h(valueText(row.baseline))}</code></td><td class="num">${row.agreeing}</td><td><ul class="why">${why}</ul></td></tr>`;
}

function diffTable(c: Comparison): string {
  if (c.rows.length === 0) return '<p>No differences.</p>';
  return `<table><thead><tr><th>key</th><th>baseline</th><th>agreeing</th><th>explanation</th></tr></thead><tbody>${c.rows.map(diffRow).join('')}</tbody></table>`;
}

function certificateTable(c: Comparison): string {
  const rows = c.certificates.map((cert) => {
    const cls = cert.state === 'expired' ? 'bad' : cert.state === 'expiring' ? 'warn' : 'muted';
    return `<tr><td>${h(cert.cell)}</td><td><span class="${cls}">${cert.state}</span></td><td>${h(cert.notAfter ?? '')}</td><td class="num">${cert.daysLeft ?? ''}</td></tr>`;
  });
  return `<table><thead><tr><th>cell</th><th>state</th><th>not after</th><th>days left</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function comparisonHtml(c: Comparison): string {
  const baseline = c.golden
    ? `Baseline: golden snapshot of ${h(c.golden.cell)} (<code>${h(c.golden.hash.slice(0, 12))}</code>).`
    : 'Baseline: the value most sisters share.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sister comparison: ${h(c.group)}</title><style>${CSS}</style></head>
<body><h1>Sister comparison: ${h(c.group)}</h1>
<p class="muted">Generated ${h(isoMinute(c.generatedAt))}. ${baseline}</p>
<ul>${c.summary.map((s) => `<li>${h(s)}</li>`).join('')}</ul>
<h2>Differences</h2>${diffTable(c)}
<h2>Cells</h2>${cellsTable(c)}
<h2>Server certificates</h2>${certificateTable(c)}
</body></html>
`;
}
