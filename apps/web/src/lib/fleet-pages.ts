// Plain-words helpers for the certificate inventory and change feed pages (issue 16, items 3-4).

/** The badge colour of a certificate's days left: expired, within 30, within 90, later. */
export function expiryClass(daysLeft: number): 's-offline' | 's-fault' | 's-warning' | 's-ok' {
  if (daysLeft < 0) return 's-offline';
  if (daysLeft <= 30) return 's-fault';
  if (daysLeft <= 90) return 's-warning';
  return 's-ok';
}

/** "expired 3 d ago", "expires today", "12 d left". */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft < 0) return `expired ${-daysLeft} d ago`;
  if (daysLeft === 0) return 'expires today';
  return `${daysLeft} d left`;
}

/** A thumbprint as the vendors print it, shortened: `AB:CD:EF…12:34`. Full one in the title. */
export function shortThumbprint(t: string): string {
  const pairs = (t.toUpperCase().match(/.{2}/g) ?? []) as string[];
  return pairs.length <= 6 ? pairs.join(':') : `${pairs.slice(0, 4).join(':')}…${pairs.slice(-2).join(':')}`;
}

/** The change feed's ranges (`key` in the address), in ms; the hub allows up to 31 days. */
export const CHANGE_RANGES = [
  { key: '1h', label: 'last hour', ms: 3_600_000 },
  { key: '6h', label: 'last 6 h', ms: 6 * 3_600_000 },
  { key: '24h', label: 'last 24 h', ms: 24 * 3_600_000 },
  { key: '7d', label: 'last 7 days', ms: 7 * 24 * 3_600_000 },
  { key: '31d', label: 'last 31 days', ms: 31 * 24 * 3_600_000 },
] as const;

/** A version or certificate change's from → to, with thumbprints shortened. */
export function fromTo(from: string | undefined, to: string | undefined): string {
  const show = (v: string | undefined) =>
    v === undefined ? '—' : /^[0-9a-f]{40}$/.test(v) ? shortThumbprint(v) : v;
  return `${show(from)} → ${show(to)}`;
}
