// What a probe says about a cell that the change feed follows over time (issue 16, item 4):
// the server's software version and the certificates in play. Each fact has a scope (the
// endpoint, `agent`, or a client's name); a change is the same fact with another value in a
// newer probe. The first sighting is not a change: enrolling a cell is not news.
import type { CertificateRole, ReportedCertificate } from './certificates.ts';

export type FactName = 'server-version' | `${CertificateRole}-certificate`;

export interface Fact {
  readonly name: FactName;
  readonly scope: string;
  /** What is compared: a version text, or a thumbprint. */
  readonly value: string;
  /** The certificate itself, for the inventory. */
  readonly certificate?: ReportedCertificate;
  /** For a version: the product it is a version of. */
  readonly product?: string;
}

/** The parts of a probe report (protocol ProbeBody) the facts come from. */
export interface ProbeFacts {
  readonly endpoint: string;
  readonly server?: {
    readonly buildInfo?: {
      readonly productName: string;
      readonly softwareVersion: string;
      readonly buildNumber: string;
    };
  };
  readonly agentCertificate?: ReportedCertificate;
  readonly serverCertificate?: ReportedCertificate;
  readonly client?: { readonly name: string; readonly certificate?: ReportedCertificate };
}

/** `6.16.217 (build 217)`; the build alone when the version says nothing. */
export function versionText(b: { softwareVersion: string; buildNumber: string }): string {
  const v = b.softwareVersion.trim();
  const n = b.buildNumber.trim();
  if (!v) return n ? `build ${n}` : '';
  return n && !v.endsWith(n) ? `${v} (build ${n})` : v;
}

/**
 * The facts of one probe. A probe run as one of the cell's clients (issue 17) speaks for that
 * client's certificate only: the server and its version are the agent's own probe's to report.
 */
export function probeFacts(p: ProbeFacts): Fact[] {
  if (p.client) {
    const c = p.client.certificate;
    return c
      ? [{ name: 'client-certificate', scope: p.client.name, value: c.thumbprint, certificate: c }]
      : [];
  }
  const out: Fact[] = [];
  const b = p.server?.buildInfo;
  const version = b && versionText(b);
  if (b && version)
    out.push({ name: 'server-version', scope: p.endpoint, value: version, product: b.productName });
  const s = p.serverCertificate;
  if (s) out.push({ name: 'server-certificate', scope: p.endpoint, value: s.thumbprint, certificate: s });
  const a = p.agentCertificate;
  if (a) out.push({ name: 'agent-certificate', scope: 'agent', value: a.thumbprint, certificate: a });
  return out;
}

export interface KnownFact {
  readonly value: string;
  readonly at: number;
}

export const factKey = (f: { name: string; scope: string }): string => `${f.name}\u0000${f.scope}`;

export interface FactUpdate {
  /** Facts to store as the cell's current ones (newer than what is stored, or new). */
  readonly current: Fact[];
  /** Facts whose value differs from the stored one: the changes, with what it was. */
  readonly changed: Array<{ fact: Fact; from: string }>;
}

/**
 * Folds a probe's facts (taken at `at`) into what is known of the cell. A report older than the
 * stored fact (an outbox replayed after an outage) changes nothing: the newer one stands.
 */
export function foldFacts(
  known: ReadonlyMap<string, KnownFact>,
  facts: readonly Fact[],
  at: number,
): FactUpdate {
  const current: Fact[] = [];
  const changed: Array<{ fact: Fact; from: string }> = [];
  for (const f of facts) {
    const k = known.get(factKey(f));
    if (k && k.at > at) continue;
    current.push(f);
    if (k && k.value !== f.value) changed.push({ fact: f, from: k.value });
  }
  return { current, changed };
}
