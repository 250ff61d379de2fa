// Search the way a tech types (issue 13 item 7): a cell is found by its vendor and product name,
// its server version, and by the raw status name or code any client shows for its diagnosis
// (`Bad_ConnectionRejected`, `BadSecurityChecksFailed`, `0x80130000`) or a quoted HMI text
// ("Disconnected with server"), mapped through the same "what other clients show" data the
// diagnosis renders. Pure: the hub computes the terms per cell and matches queries against them.
import type { VendorDetection } from './detect.ts';
import { clientsShowFor } from './render.ts';
import { STATUS_CODES, statusHex } from './status-codes.ts';
import { profileOf } from './vendors/index.ts';

export interface SearchSubject {
  /** Detected vendor id (`siemens`) and product id or name (`wincc-unified` / `WinCC Unified`). */
  readonly vendor?: string;
  readonly product?: string;
  readonly buildInfo?: {
    readonly productName?: string;
    readonly manufacturerName?: string;
    readonly softwareVersion?: string;
    readonly buildNumber?: string;
  };
  /** The primary diagnosis code and the findings' codes. */
  readonly codes?: readonly string[];
}

const STATUS_RE = /\bBad_?[A-Z][A-Za-z]+/g;
const HEX_RE = /\b0x[0-9a-fA-F]{8}\b/g;
const QUOTED_RE = /"([^"]{3,120})"/g;

/** Status names in both spellings and their hex codes, plus quoted HMI texts, from one line. */
export function termsInLine(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(STATUS_RE)) {
    const name = m[0].replace(/_/g, '');
    const code = STATUS_CODES[name];
    out.push(name, `Bad_${name.slice(3)}`);
    if (code !== undefined) out.push(statusHex(code));
  }
  for (const m of line.matchAll(HEX_RE)) out.push(statusHex(Number.parseInt(m[0].slice(2), 16)));
  for (const m of line.matchAll(QUOTED_RE)) if (!/[<>{}]/.test(m[1] ?? '')) out.push(m[1] ?? '');
  return out;
}

export function searchTerms(s: SearchSubject): string[] {
  const profile = s.vendor ? profileOf(s.vendor) : undefined;
  const product = profile?.products.find((p) => p.id === s.product || p.name === s.product);
  const b = s.buildInfo;
  const terms = [
    s.vendor,
    profile?.name,
    ...(product ? [product.id, product.name] : []),
    b?.productName,
    b?.manufacturerName,
    b?.softwareVersion,
    b?.buildNumber,
    ...(s.codes ?? []),
    ...(s.codes ?? []).flatMap((code) => clientsShowFor(code).flatMap(termsInLine)),
  ];
  return [...new Set(terms.filter((t): t is string => typeof t === 'string' && t.length > 0))];
}

/** The subject of a probe: what its detection and diagnosis say. */
export function searchSubjectOf(
  detection: Pick<VendorDetection, 'vendor' | 'product'>,
  codes: readonly string[],
  buildInfo?: SearchSubject['buildInfo'],
): SearchSubject {
  return {
    vendor: detection.vendor,
    ...(detection.product ? { product: detection.product } : {}),
    ...(buildInfo ? { buildInfo } : {}),
    codes,
  };
}

const norm = (t: string) => t.toLowerCase().replace(/[_\s]+/g, '');

/** Every word of the query occurs in some term, ignoring case, `_` and spaces inside terms. */
export function matchesSearch(terms: readonly string[], query: string): boolean {
  const words = query.trim().startsWith('"')
    ? [query.trim().replace(/^"|"$/g, '')]
    : query.split(/\s+/).filter((w) => w.length > 0);
  const normalised = terms.map(norm);
  return words.length > 0 && words.every((w) => normalised.some((t) => t.includes(norm(w))));
}
