// Known platform pitfalls (vendor profiles' `pitfalls`): evidence the generic rules read one way
// that means something else on that platform, such as FactoryTalk Linx Gateway's certificate URI
// with spaces that Milo clients refuse (a server-certificate problem, not an untrusted client).
// Each becomes a finding with the pitfall's own summary, cause and fix first.
import type { DiagnosisCode } from './codes.ts';
import type { VendorDetection } from './detect.ts';
import type { ProbeEvidence } from './evidence.ts';
import type { Verdict } from './rules.ts';
import { VENDOR_PROFILES } from './vendors/index.ts';
import type { PitfallCondition } from './vendors/types.ts';

function fieldText(
  ev: ProbeEvidence,
  primary: DiagnosisCode,
  field: PitfallCondition['field'],
): string | undefined {
  switch (field) {
    case 'server-certificate-uri':
      return ev.serverCertificate?.applicationUri;
    case 'application-uri':
      return ev.server?.applicationUri;
    case 'product-name':
      return ev.buildInfo?.productName;
    case 'software-version':
      return ev.buildInfo?.softwareVersion;
    case 'url-path':
      try {
        return new URL(ev.url).pathname;
      } catch {
        return undefined;
      }
    case 'primary':
      return primary;
  }
}

export function pitfallVerdicts(ev: ProbeEvidence, primary: DiagnosisCode, det: VendorDetection): Verdict[] {
  const out: Verdict[] = [];
  for (const profile of VENDOR_PROFILES) {
    for (const p of profile.pitfalls) {
      if (p.applies === 'detected' && det.vendor !== profile.id) continue;
      const matched = p.when.map((c) => fieldText(ev, primary, c.field)?.match(new RegExp(c.matches))?.[0]);
      if (matched.some((m) => m === undefined)) continue;
      const value = matched[0] ?? '';
      const fill = (t: string) => t.replaceAll('{value}', value);
      const product = profile.products.find((x) => x.id === p.product)?.name ?? profile.name;
      out.push({
        code: p.code,
        detail: fill(p.summary),
        evidence: [`${profile.name} pitfall ${p.id}: ${fill(p.summary)}`],
        pitfall: {
          summary: fill(p.summary),
          cause: fill(p.cause),
          fix: { vendor: profile.id, product, steps: p.fix.steps.map(fill) },
        },
      });
    }
  }
  return out;
}
