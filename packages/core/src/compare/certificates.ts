// Server certificate expiry across the group: the report lists every cell, soonest first.
import type { CertificateRow, SisterSnapshot } from './types.ts';

const DAY_MS = 86_400_000;

export function certificateRows(
  cells: readonly SisterSnapshot[],
  now: number,
  warnDays = 30,
): CertificateRow[] {
  const rows = cells.map((c): CertificateRow => {
    const raw = c.entries['certificate.notAfter'];
    const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    if (typeof raw !== 'string' || Number.isNaN(at)) {
      return { cell: c.cell, state: 'unknown', text: `${c.cell}: no server certificate in the snapshot` };
    }
    const daysLeft = Math.floor((at - now) / DAY_MS);
    const day = raw.slice(0, 10);
    if (at <= now) {
      return {
        cell: c.cell,
        notAfter: raw,
        daysLeft,
        state: 'expired',
        text: `${c.cell}: expired on ${day}`,
      };
    }
    const state = daysLeft <= warnDays ? 'expiring' : 'ok';
    return {
      cell: c.cell,
      notAfter: raw,
      daysLeft,
      state,
      text: `${c.cell}: expires ${day} (${daysLeft} days)`,
    };
  });
  return rows.sort(
    (a, b) => (a.daysLeft ?? Number.POSITIVE_INFINITY) - (b.daysLeft ?? Number.POSITIVE_INFINITY),
  );
}
