// Report renderers: pure functions from a Comparison to a document.
import type { Comparison } from '../compare/types.ts';
import { comparisonCsv } from './csv.ts';
import { comparisonHtml } from './html.ts';
import { comparisonMarkdown } from './markdown.ts';

export { comparisonCsv } from './csv.ts';
export * from './escape.ts';
export { comparisonHtml } from './html.ts';
export { comparisonMarkdown } from './markdown.ts';

export type ReportFormat = 'json' | 'html' | 'csv' | 'md';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'csv', 'md'];

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

export function isReportFormat(v: unknown): v is ReportFormat {
  return typeof v === 'string' && (REPORT_FORMATS as readonly string[]).includes(v);
}

export function renderComparison(c: Comparison, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(c, null, 2)}\n`;
    case 'html':
      return comparisonHtml(c);
    case 'csv':
      return comparisonCsv(c);
    case 'md':
      return comparisonMarkdown(c);
  }
}
