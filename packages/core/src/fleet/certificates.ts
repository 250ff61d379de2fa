// The fleet's certificate inventory (issue 16, item 3): every certificate the probes reported,
// one row per thumbprint with every cell that uses it, soonest expiry first, and how many
// expire within 30, 60 and 90 days. Pure: `now` is a parameter.

export type CertificateRole = 'server' | 'agent' | 'client';

/** A certificate as a probe reported it (protocol CertificateSummary). */
export interface ReportedCertificate {
  readonly thumbprint: string;
  readonly subject: string;
  readonly issuer?: string;
  readonly applicationUri?: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

/** One sighting: which cell reported which certificate, in which role, where, when. */
export interface CertificateSighting {
  readonly cell: string;
  readonly role: CertificateRole;
  readonly where?: string;
  readonly seenAt: number;
  readonly certificate: ReportedCertificate;
}

export interface InventoryRow {
  readonly thumbprint: string;
  readonly subject: string;
  readonly issuer: string | null;
  readonly applicationUri?: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly daysLeft: number;
  readonly roles: CertificateRole[];
  readonly uses: Array<{ cell: string; role: CertificateRole; where?: string; seenAt: number }>;
}

export interface ExpiryForecast {
  readonly expired: number;
  readonly within30: number;
  readonly within60: number;
  readonly within90: number;
  readonly total: number;
}

const DAY_MS = 86_400_000;
const ROLE_ORDER: readonly CertificateRole[] = ['server', 'agent', 'client'];
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whole days left until `notAfter`: 0 on its last day, negative once expired. */
function daysUntil(notAfter: number, now: number): number {
  return Math.floor((notAfter - now) / DAY_MS);
}

/**
 * Sightings → one row per thumbprint. The newest sighting's details win (a re-issued
 * certificate keeps its thumbprint only if it is byte-identical, so they agree anyway), and an
 * issuer reported by any cell fills in for agents that predate issuer reporting.
 */
export function certificateInventory(sightings: readonly CertificateSighting[], now: number): InventoryRow[] {
  const groups = new Map<string, CertificateSighting[]>();
  for (const s of sightings)
    groups.set(s.certificate.thumbprint, [...(groups.get(s.certificate.thumbprint) ?? []), s]);
  const rows = [...groups.values()].map((group): InventoryRow => {
    const newest = group.reduce((a, b) => (b.seenAt > a.seenAt ? b : a)).certificate;
    const issuer = newest.issuer ?? group.find((s) => s.certificate.issuer)?.certificate.issuer ?? null;
    const uses = group
      .map((s) => ({ cell: s.cell, role: s.role, ...(s.where ? { where: s.where } : {}), seenAt: s.seenAt }))
      .sort((a, b) => byText(a.cell, b.cell) || byText(a.where ?? '', b.where ?? ''));
    return {
      thumbprint: newest.thumbprint,
      subject: newest.subject,
      issuer,
      ...(newest.applicationUri ? { applicationUri: newest.applicationUri } : {}),
      notBefore: newest.notBefore,
      notAfter: newest.notAfter,
      daysLeft: daysUntil(newest.notAfter, now),
      roles: ROLE_ORDER.filter((r) => group.some((s) => s.role === r)),
      uses,
    };
  });
  return rows.sort((a, b) => a.notAfter - b.notAfter || byText(a.thumbprint, b.thumbprint));
}

/** Cumulative: a certificate expiring in 10 days counts in 30, 60 and 90; expired ones apart. */
export function expiryForecast(rows: readonly { notAfter: number }[], now: number): ExpiryForecast {
  let expired = 0;
  let within30 = 0;
  let within60 = 0;
  let within90 = 0;
  for (const r of rows) {
    if (r.notAfter <= now) {
      expired++;
      continue;
    }
    const left = r.notAfter - now;
    if (left <= 30 * DAY_MS) within30++;
    if (left <= 60 * DAY_MS) within60++;
    if (left <= 90 * DAY_MS) within90++;
  }
  return { expired, within30, within60, within90, total: rows.length };
}
