// A vendor profile is data: how to recognise the platform, what differs in its fixes per
// diagnosis code, which health items it exposes, its known pitfalls, and where every fact comes
// from. The engine (../detect.ts, ../render.ts, ../health.ts, ../pitfalls.ts) reads profiles
// and names no vendor. Adding a platform = one file in this folder, its test, one line in
// index.ts (and its id in codes.ts VENDOR_IDS).
import type { DiagnosisCode, Vendor } from '../codes.ts';

/**
 * Where a fact comes from (shared/research/vendors.md labels): `doc` vendor documentation,
 * `3p` third party (KB blogs, integrator notes, public code), `unverified` inferred,
 * single-sourced or searched for and not found. Product text for `unverified` facts says so.
 */
export interface Source {
  readonly kind: 'doc' | '3p' | 'unverified';
  readonly cite: string;
}

export interface Product {
  /** Stable id, also accepted by `cellfleet-agent probe --vendor`: `ftlg`, `wincc-unified`. */
  readonly id: string;
  /** As shown above its fix steps: `FactoryTalk Linx Gateway`. */
  readonly name: string;
  /** `server`: Cellfleet probes it; `client`: only what its screens show matters here. */
  readonly role: 'server' | 'client';
}

/** A case-insensitive regular expression over server-reported text, with its source id. */
export interface TextClue {
  readonly pattern: string;
  readonly product?: string;
  readonly source: string;
}

export interface PortClue {
  readonly port: number;
  readonly product?: string;
  /** A weak guess (a port shared with other servers, or a single-sourced default). */
  readonly guess: boolean;
  readonly source: string;
}

export interface VendorDetect {
  /** BuildInfo, applicationUri/productUri/name, namespace URIs, server certificate subject and URI. */
  readonly texts: readonly TextClue[];
  /** The URL path (`/FactoryTalkLinxGateway1`). */
  readonly paths: readonly TextClue[];
  /** Words in the endpoint's name in the agent config (`ftlg`, `wincc-unified`). */
  readonly names: readonly TextClue[];
  readonly ports: readonly PortClue[];
  /** BuildInfo softwareVersion → product line (Ignition 8.1 / 8.3). */
  readonly versions?: readonly TextClue[];
}

/** A line of text with the id of its source in the profile's `sources`. */
export interface Cited {
  readonly text: string;
  readonly source: string;
  /** Only for this product line (when the detected product is known). */
  readonly product?: string;
}

export interface FixBlock {
  readonly steps: readonly string[];
  readonly sources: readonly string[];
}

/** What differs for one diagnosis code on this platform. */
export interface Advice {
  /** Ranked before the generic causes when this vendor is detected. */
  readonly causes?: readonly Cited[];
  /** Fix steps per product line id. `{port}`, `{thumbprint}`… are filled as in knowledge/. */
  readonly fix?: Readonly<Record<string, FixBlock>>;
  /** What this platform's own clients and HMIs show for the same cause (verbatim where quoted). */
  readonly shows?: readonly Cited[];
}

/** When a health signal reads bad. Values compare loosely: `false` matches 0, `'Stopped'` 'stopped'. */
export type BadWhen =
  | { readonly equals: readonly (string | number | boolean)[] }
  | { readonly below: number }
  | { readonly olderThanS: number };

/**
 * A vendor health item found by browse name, never by guessed node id (node ids differ between
 * installs). `path` is a glob over browse names below Objects joined by `/`: `*` is one segment,
 * `**` any number; Kepware's device error flag is `**` + `/_System/_Error`.
 */
export interface HealthSignalSpec {
  readonly id: string;
  readonly label: string;
  readonly path: string;
  /** Segments dropped from the end of the matched path to name the device (1 = its parent). */
  readonly device: number;
  /** Leading segments left out of the device name (`Devices` on Ignition). */
  readonly skip?: number;
  /** The shortest matched path that counts (AVEVA's root-level $SYS$Status always reads good). */
  readonly minDepth?: number;
  readonly bad: BadWhen;
  /** Sibling holding the seconds the device has been in error; else the value's SourceTimestamp. */
  readonly secondsInError?: string;
  /** Sibling holding the vendor's error text, shown verbatim. */
  readonly text?: string;
  /** Words for coded values (`1` → `Not Connected`). */
  readonly values?: Readonly<Record<string, string>>;
}

/** A condition on the evidence; every condition of a pitfall must hold. */
export interface PitfallCondition {
  readonly field:
    | 'server-certificate-uri'
    | 'application-uri'
    | 'product-name'
    | 'software-version'
    | 'url-path'
    | 'primary';
  /** Case-sensitive regular expression over the field's text. */
  readonly matches: string;
}

/** A known platform pitfall: evidence that means something other than the generic rule says. */
export interface Pitfall {
  readonly id: string;
  /** `detected`: only when this vendor is the detected one; `any`: whatever the server is. */
  readonly applies: 'detected' | 'any';
  readonly when: readonly PitfallCondition[];
  /** Reported as a finding with this code; `{value}` in the texts is the first condition's match. */
  readonly code: DiagnosisCode;
  readonly summary: string;
  readonly cause: string;
  readonly fix: FixBlock;
  readonly product?: string;
  readonly source: string;
}

export interface VendorProfile {
  readonly id: Exclude<Vendor, 'generic'>;
  /** `Rockwell Automation`. */
  readonly name: string;
  readonly products: readonly Product[];
  readonly detect: VendorDetect;
  readonly advice: Partial<Record<DiagnosisCode, Advice>>;
  readonly health: readonly HealthSignalSpec[];
  readonly pitfalls: readonly Pitfall[];
  readonly sources: Readonly<Record<string, Source>>;
  /** One paragraph for the per-vendor section of docs/diagnosis.md. */
  readonly about: string;
}

/** `fix(['doc-a'], 'step 1', 'step 2')`: a fix block citing its sources. */
export function fix(sources: readonly string[], ...steps: string[]): FixBlock {
  return { steps, sources };
}

type AdviceMap = Partial<Record<DiagnosisCode, Advice>>;

/** The same advice for several codes (what a platform's client shows for every failed connect). */
export function forCodes(codes: readonly DiagnosisCode[], advice: Advice): AdviceMap {
  return Object.fromEntries(codes.map((c) => [c, advice]));
}

/** Merges advice maps: causes and shows are concatenated, fix blocks of the same product too. */
export function advise(...parts: readonly AdviceMap[]): AdviceMap {
  const out: Record<string, { causes: Cited[]; fix: Record<string, FixBlock>; shows: Cited[] }> = {};
  for (const part of parts) {
    for (const [code, a] of Object.entries(part) as [DiagnosisCode, Advice][]) {
      const o = out[code] ?? { causes: [], fix: {}, shows: [] };
      out[code] = o;
      o.causes.push(...(a.causes ?? []));
      o.shows.push(...(a.shows ?? []));
      for (const [product, block] of Object.entries(a.fix ?? {})) {
        const prev = o.fix[product];
        o.fix[product] = prev
          ? {
              steps: [...prev.steps, ...block.steps],
              sources: [...new Set([...prev.sources, ...block.sources])],
            }
          : block;
      }
    }
  }
  return out as AdviceMap;
}
