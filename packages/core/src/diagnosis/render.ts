// Turns a verdict into the full Diagnosis: summary with the specifics filled in, causes ranked
// for the detected platform, that platform's remediation first (its detected product line
// first), then the generic steps, then every other vendor's. Vendor facts come from the
// knowledge files (codes) and the vendor profiles (./vendors), merged here without naming any.
import type { Diagnosis, DiagnosisCode, Remediation } from './codes.ts';
import type { VendorDetection } from './detect.ts';
import type { ProbeEvidence } from './evidence.ts';
import { NETWORK } from './knowledge/network.ts';
import { PROTOCOL } from './knowledge/protocol.ts';
import { SECURITY } from './knowledge/security.ts';
import { SESSION } from './knowledge/session.ts';
import type { Knowledge } from './knowledge/types.ts';
import type { Verdict } from './rules.ts';
import { VENDOR_PROFILES } from './vendors/index.ts';

const KNOWLEDGE: Readonly<Record<string, Knowledge>> = { ...NETWORK, ...SECURITY, ...SESSION, ...PROTOCOL };

export function knowledgeFor(code: string): Knowledge {
  const k = KNOWLEDGE[code] ?? KNOWLEDGE['unknown'];
  if (!k) throw new Error(`no knowledge for ${code}`);
  return k;
}

export interface RenderContext {
  readonly ev: ProbeEvidence;
  readonly detection: VendorDetection;
  readonly stepLines: readonly string[];
  readonly failedStep: string;
}

/** Every fix block for a code: the knowledge's own, then each profile's, in registry order. */
export function remediationFor(code: string): Remediation[] {
  const fromProfiles = VENDOR_PROFILES.flatMap((p) =>
    Object.entries(p.advice[code as DiagnosisCode]?.fix ?? {}).map(([product, block]) => ({
      vendor: p.id,
      product: p.products.find((x) => x.id === product)?.name ?? product,
      steps: block.steps,
    })),
  );
  return [...knowledgeFor(code).remediation, ...fromProfiles];
}

/** What every platform's clients show for a code: the knowledge's lines and each profile's. */
export function clientsShowFor(code: string, first?: string): string[] {
  const own = VENDOR_PROFILES.filter((p) => p.id === first).flatMap((p) => shows(p.id, code));
  const others = VENDOR_PROFILES.filter((p) => p.id !== first).flatMap((p) => shows(p.id, code));
  return [...new Set([...own, ...knowledgeFor(code).otherClientsShow, ...others])];
}

function shows(vendor: string, code: string): string[] {
  const p = VENDOR_PROFILES.find((x) => x.id === vendor);
  return (p?.advice[code as DiagnosisCode]?.shows ?? []).map((s) => s.text);
}

function vendorCauses(code: string, det: VendorDetection): string[] {
  const p = VENDOR_PROFILES.find((x) => x.id === det.vendor);
  return (p?.advice[code as DiagnosisCode]?.causes ?? [])
    .filter((c) => !c.product || !det.product || c.product === det.product)
    .map((c) => c.text);
}

export function render(v: Verdict, ctx: RenderContext, asFinding = false): Diagnosis {
  const k = knowledgeFor(v.code);
  const fill = filler(v, ctx);
  const det = ctx.detection;
  const summary = v.pitfall ? v.pitfall.summary : fill(k.summary);
  const generic = k.causes
    .filter((c) => c.vendor === undefined || c.vendor === det.vendor)
    .sort((a, b) => Number(b.vendor === det.vendor) - Number(a.vendor === det.vendor))
    .map((c) => c.text);
  const blocks = orderRemediation(remediationFor(v.code), det);
  return {
    code: v.code,
    severity: asFinding && (k.severity === 'error' || k.severity === 'critical') ? 'warning' : k.severity,
    summary: v.note ? `${summary} ${v.note}` : summary,
    evidence: asFinding
      ? [...v.evidence, fill('{detail}')].filter(unique)
      : [...ctx.stepLines, ...v.evidence],
    causes: [...(v.pitfall ? [v.pitfall.cause] : []), ...vendorCauses(v.code, det), ...generic]
      .map(fill)
      .filter(unique),
    // One block per product: a pitfall's own fix replaces the code's usual one for that product.
    remediation: [...(v.pitfall ? [v.pitfall.fix] : []), ...blocks]
      .filter((r, i, all) => all.findIndex((x) => x.vendor === r.vendor && x.product === r.product) === i)
      .map((r) => ({ ...r, steps: r.steps.map(fill) })),
    otherClientsShow: clientsShowFor(v.code, det.vendor),
    verification: fill(k.verification),
    rankedFor: {
      vendor: det.vendor,
      ...(det.productName ? { product: det.productName } : {}),
      confidence: det.confidence,
      why: det.why,
    },
  };
}

function unique(line: string, i: number, all: readonly string[]): boolean {
  return all.indexOf(line) === i;
}

/** Detected vendor (detected product line first), then generic, then the others. */
export function orderRemediation(
  list: readonly Remediation[],
  det: Pick<VendorDetection, 'vendor' | 'productName'>,
): Remediation[] {
  const rank = (r: Remediation) =>
    r.vendor === det.vendor ? (r.product === det.productName ? 0 : 1) : r.vendor === 'generic' ? 2 : 3;
  return [...list].sort((a, b) => rank(a) - rank(b));
}

export function formatThumbprint(hex: string): string {
  return (hex.toUpperCase().match(/.{2}/g) ?? []).join(':');
}

/** A None endpoint without user token policies serves discovery only (Part 4 §5.4.4). */
function allowNoneStep(ev: ProbeEvidence): string {
  const none = (ev.endpoints ?? []).filter((e) => e.securityMode === 'None');
  if (none.some((e) => e.userTokens.length > 0)) {
    return 'If impossible, and only on an isolated network, allow None for this endpoint (allowSecurityNone).';
  }
  return none.length > 0
    ? 'Allowing None would not help: this server offers None for discovery only (its None endpoint accepts no session).'
    : 'Allowing None would not help: this server offers no None endpoint.';
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
    allowNone: allowNoneStep(ctx.ev),
    device: '(the device)',
    ...v.vars,
  };
  return (text) => text.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}
