// The per-vendor section of docs/diagnosis.md, written from the profiles themselves so the
// document cannot drift from what the engine does (docs.test.ts checks it is up to date;
// `node scripts/vendor-docs.ts` rewrites it). Every fact carries its source id; the sources
// list says which are vendor documentation, third party, or unverified.
import type { DiagnosisCode } from '../codes.ts';
import { VENDOR_PROFILES } from './index.ts';
import type { Advice, HealthSignalSpec, Source, VendorProfile } from './types.ts';

export const DOCS_BEGIN =
  '<!-- vendors:begin — generated from packages/core/src/diagnosis/vendors by `node scripts/vendor-docs.ts`; do not edit by hand -->';
export const DOCS_END = '<!-- vendors:end -->';

const KIND: Record<Source['kind'], string> = {
  doc: 'vendor documentation',
  '3p': 'third party',
  unverified: '**unverified**',
};

const cite = (ids: readonly string[]) =>
  ids.length === 0 ? '(general practice, no vendor fact)' : ids.map((i) => `[${i}]`).join(' ');
const code = (t: string) => `\`${t.replace(/`/g, "'")}\``;
const cell = (t: string) => t.replace(/\|/g, '\\|');

function productName(p: VendorProfile, id: string | undefined): string {
  return p.products.find((x) => x.id === id)?.name ?? '—';
}

function clues(p: VendorProfile): string[] {
  const d = p.detect;
  const rows = [
    ...d.texts.map((c) => [
      'server text (BuildInfo, URIs, names, certificate, namespaces)',
      code(c.pattern),
      c.product,
      c.source,
    ]),
    ...(d.versions ?? []).map((c) => ['BuildInfo version', code(c.pattern), c.product, c.source]),
    ...p.health.map((h) => ['address space', code(h.path), undefined, 'health']),
    ...d.paths.map((c) => ['URL path', code(c.pattern), c.product, c.source]),
    ...d.names.map((c) => ['endpoint name in the agent config', code(c.pattern), c.product, c.source]),
    ...d.ports.map((c) => ['default port', `${c.port}${c.guess ? ' (a guess)' : ''}`, c.product, c.source]),
  ];
  return [
    '| clue | value | product line | source |',
    '|---|---|---|---|',
    ...rows.map(
      ([k, v, prod, src]) =>
        `| ${k} | ${cell(v ?? '')} | ${productName(p, prod)} | ${src === 'health' ? 'health signal below' : cite([src ?? ''])} |`,
    ),
  ];
}

function badWhen(h: HealthSignalSpec): string {
  const b = h.bad;
  if ('equals' in b) return `= ${b.equals.map((v) => JSON.stringify(v)).join(' or ')}`;
  if ('below' in b) return `< ${b.below}`;
  return `SourceTimestamp older than ${b.olderThanS} s`;
}

function health(p: VendorProfile): string[] {
  if (p.health.length === 0)
    return [
      'No documented health item: a device that is down shows as Bad tag quality (BadNoCommunication…).',
    ];
  return [
    '| signal | browse path | device named by | bad when | since | error text |',
    '|---|---|---|---|---|---|',
    ...p.health.map(
      (h) =>
        `| ${h.label} | ${code(h.path)} | the path minus its last ${h.device} segment(s)${h.skip ? `, without the first ${h.skip}` : ''} | ${cell(badWhen(h))} | ${h.secondsInError ? `sibling ${code(h.secondsInError)}` : 'SourceTimestamp'} | ${h.text ? code(h.text) : '—'} |`,
    ),
  ];
}

function advice(p: VendorProfile): string[] {
  const out: string[] = [];
  for (const [c, a] of Object.entries(p.advice) as [DiagnosisCode, Advice][]) {
    out.push('', `#### ${p.name}: \`${c}\``);
    for (const x of a.causes ?? [])
      out.push(
        '',
        `- Cause${x.product ? ` (${productName(p, x.product)})` : ''}: ${x.text} ${cite([x.source])}`,
      );
    for (const [prod, b] of Object.entries(a.fix ?? {})) {
      out.push(
        '',
        `Fix — ${productName(p, prod)} ${cite(b.sources)}:`,
        '',
        ...b.steps.map((s, i) => `${i + 1}. ${s}`),
      );
    }
    if (a.shows?.length)
      out.push('', ...a.shows.map((s) => `- Its clients show: ${s.text} ${cite([s.source])}`));
  }
  return out;
}

function pitfalls(p: VendorProfile): string[] {
  if (p.pitfalls.length === 0) return [];
  return [
    '',
    '**Pitfalls** (rules that change the diagnosis, `packages/core/src/diagnosis/pitfalls.ts`):',
    '',
    ...p.pitfalls.flatMap((x) => [
      `- \`${x.id}\` — when ${x.when.map((w) => `${w.field} matches ${code(w.matches)}`).join(' and ')} (${x.applies === 'any' ? 'whatever the server' : 'on this platform'}): finding \`${x.code}\`. ${x.summary} Fix: ${x.fix.steps.join(' ')} ${cite([x.source])}`,
    ]),
  ];
}

function section(p: VendorProfile): string[] {
  const lines = [
    `### ${p.name} (\`${p.id}\`)`,
    '',
    p.about,
    '',
    `Product lines: ${p.products.map((x) => `${x.name} (\`${x.id}\`, ${x.role})`).join(', ')}.`,
    '',
    '**Recognised by** (server answers outweigh the address space, which outweighs the URL path, the endpoint name and the port):',
    '',
    ...clues(p),
    '',
    '**Health signals** (read after the session opens; a site adds its own in the endpoint config `health.signals`):',
    '',
    ...health(p),
    ...pitfalls(p),
  ];
  const adv = advice(p);
  if (adv.length > 0)
    lines.push('', `**What differs per code** (ranked first when ${p.name} is detected):`, ...adv);
  if (p.id === 'kepware' || p.id === 'ignition') {
    lines.push(
      '',
      `Fix steps for ${p.name} are listed with each code above (\`packages/core/src/diagnosis/knowledge\`).`,
    );
  }
  lines.push(
    '',
    '**Sources:**',
    '',
    ...Object.entries(p.sources).map(([id, s]) => `- [${id}] ${KIND[s.kind]}: ${s.cite}`),
  );
  return lines;
}

export function vendorDocs(): string {
  return [DOCS_BEGIN, '', ...VENDOR_PROFILES.flatMap((p) => [...section(p), '']), DOCS_END].join('\n');
}
