// Turns a verdict into the full Diagnosis: summary with the specifics filled in, causes
// ranked for the detected vendor, that vendor's remediation first.
import type { Diagnosis, Remediation, Vendor } from './codes.ts';
import type { ProbeEvidence } from './evidence.ts';
import { NETWORK } from './knowledge/network.ts';
import { SECURITY } from './knowledge/security.ts';
import { SESSION } from './knowledge/session.ts';
import type { Knowledge } from './knowledge/types.ts';
import type { Verdict } from './rules.ts';

const KNOWLEDGE: Readonly<Record<string, Knowledge>> = { ...NETWORK, ...SECURITY, ...SESSION };

export function knowledgeFor(code: string): Knowledge {
  const k = KNOWLEDGE[code] ?? KNOWLEDGE['unknown'];
  if (!k) throw new Error(`no knowledge for ${code}`);
  return k;
}

export interface RenderContext {
  readonly ev: ProbeEvidence;
  readonly vendor: Vendor;
  readonly stepLines: readonly string[];
  readonly failedStep: string;
}

export function render(v: Verdict, ctx: RenderContext, asFinding = false): Diagnosis {
  const k = knowledgeFor(v.code);
  const fill = filler(v, ctx);
  return {
    code: v.code,
    severity: asFinding && (k.severity === 'error' || k.severity === 'critical') ? 'warning' : k.severity,
    summary: fill(k.summary),
    evidence: asFinding
      ? [...v.evidence, fill('{detail}')].filter(unique)
      : [...ctx.stepLines, ...v.evidence],
    causes: k.causes
      .filter((c) => c.vendor === undefined || c.vendor === ctx.vendor)
      .sort((a, b) => Number(b.vendor === ctx.vendor) - Number(a.vendor === ctx.vendor))
      .map((c) => fill(c.text)),
    remediation: orderRemediation(k.remediation, ctx.vendor).map((r) => ({ ...r, steps: r.steps.map(fill) })),
    otherClientsShow: k.otherClientsShow,
    verification: fill(k.verification),
  };
}

function unique(line: string, i: number, all: readonly string[]): boolean {
  return all.indexOf(line) === i;
}

function orderRemediation(list: readonly Remediation[], vendor: Vendor): Remediation[] {
  const rank = (r: Remediation) => (r.vendor === vendor ? 0 : r.vendor === 'generic' ? 1 : 2);
  return [...list].sort((a, b) => rank(a) - rank(b));
}

export function formatThumbprint(hex: string): string {
  return (hex.toUpperCase().match(/.{2}/g) ?? []).join(':');
}

function filler(v: Verdict, ctx: RenderContext): (text: string) => string {
  const values: Record<string, string> = {
    host: ctx.ev.host ?? '(unknown host)',
    port: ctx.ev.port === undefined ? '(unknown port)' : String(ctx.ev.port),
    detail: v.detail,
    step: ctx.failedStep,
    thumbprint: ctx.ev.agentCertificate ? formatThumbprint(ctx.ev.agentCertificate.thumbprint) : '(unknown)',
    agentUri: ctx.ev.agentCertificate?.applicationUri ?? '(unknown URI)',
    serverThumbprint: ctx.ev.serverCertificate
      ? formatThumbprint(ctx.ev.serverCertificate.thumbprint)
      : '(unknown)',
    serverThumbprintShort: ctx.ev.serverCertificate?.thumbprint.slice(0, 8) ?? '<thumbprint>',
  };
  return (text) => text.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}
