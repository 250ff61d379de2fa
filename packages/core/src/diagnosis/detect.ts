// Which platform answered, from whatever the ladder got to see, with the evidence and how sure
// we are. The server's own answers (BuildInfo, applicationUri, certificate, namespaces, vendor
// health items in its address space) outweigh what the operator configured (endpoint name),
// which outweighs the URL path, which outweighs a default port. Profiles hold the clues
// (./vendors); nothing here names a vendor.
import type { Vendor } from './codes.ts';
import type { ProbeEvidence } from './evidence.ts';
import { profileOf, resolveVendorChoice, VENDOR_PROFILES } from './vendors/index.ts';
import type { TextClue, VendorProfile } from './vendors/types.ts';

export type Confidence = 'high' | 'medium' | 'low';

export interface VendorClue {
  readonly kind: 'server' | 'address-space' | 'version' | 'path' | 'name' | 'port';
  readonly vendor: Vendor;
  readonly product?: string;
  /** `port 4890 is WinCC Unified's default (a guess)`. */
  readonly text: string;
  readonly weight: number;
}

export interface VendorDetection {
  readonly vendor: Vendor;
  /** Product id within the vendor (`wincc-unified`), when the evidence tells. */
  readonly product?: string;
  /** The product's display name, as on its fix block. */
  readonly productName?: string;
  readonly confidence: Confidence;
  /** One line: why these steps come first. */
  readonly why: string;
  /** The clues for the detected vendor, strongest first. */
  readonly evidence: readonly string[];
  /** Clues that pointed elsewhere. */
  readonly conflicts: readonly string[];
}

const WEIGHT = { server: 10, addressSpace: 8, path: 6, name: 4, port: 3, guessPort: 1 } as const;

function matchText(clues: readonly TextClue[], text: string) {
  return clues.find((c) => new RegExp(c.pattern, 'i').test(text));
}

function labelOf(p: VendorProfile, product: string | undefined): string {
  return p.products.find((x) => x.id === product)?.name ?? p.name;
}

/** The texts a server reports about itself, with how to say where each came from. */
function serverTexts(ev: ProbeEvidence): { where: string; text: string }[] {
  const b = ev.buildInfo;
  const out: [string, string | undefined][] = [
    ['BuildInfo manufacturer', b?.manufacturerName],
    ['BuildInfo product', b?.productName],
    ['BuildInfo productUri', b?.productUri],
    ['applicationUri', ev.server?.applicationUri],
    ['productUri', ev.server?.productUri],
    ['application name', ev.server?.applicationName],
    ['server certificate URI', ev.serverCertificate?.applicationUri],
    ['server certificate subject', ev.serverCertificate?.subject],
    ...(ev.namespaces ?? []).map((n): [string, string] => ['namespace', n]),
  ];
  return out.filter((x): x is [string, string] => Boolean(x[1])).map(([where, text]) => ({ where, text }));
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

export function collectClues(ev: ProbeEvidence): { clues: VendorClue[]; identified: boolean } {
  const clues: VendorClue[] = [];
  const texts = serverTexts(ev);
  for (const p of VENDOR_PROFILES) {
    const add = (kind: VendorClue['kind'], clue: TextClue | undefined, text: string, weight: number) => {
      if (clue)
        clues.push({ kind, vendor: p.id, ...(clue.product ? { product: clue.product } : {}), text, weight });
    };
    for (const t of texts) {
      const c = matchText(p.detect.texts, t.text);
      add('server', c, `${t.where} "${t.text}" → ${labelOf(p, c?.product)}`, WEIGHT.server);
    }
    const version = ev.buildInfo?.softwareVersion;
    if (version) {
      const c = matchText(p.detect.versions ?? [], version);
      add('version', c, `version ${version} → ${labelOf(p, c?.product)}`, 0);
    }
    for (const spec of p.health) {
      const hit = (ev.deviceHealth ?? []).find((d) => d.source === spec.id);
      if (hit)
        clues.push({
          kind: 'address-space',
          vendor: p.id,
          text: `address space has ${spec.label} (${hit.node})`,
          weight: WEIGHT.addressSpace,
        });
    }
    const path = urlPath(ev.url);
    const pc = path.length > 1 ? matchText(p.detect.paths, path) : undefined;
    add('path', pc, `URL path ${path} is ${labelOf(p, pc?.product)}'s`, WEIGHT.path);
    if (ev.endpointName) {
      const c = matchText(p.detect.names, ev.endpointName);
      add('name', c, `endpoint name "${ev.endpointName}" → ${labelOf(p, c?.product)}`, WEIGHT.name);
    }
    for (const port of p.detect.ports.filter((x) => x.port === ev.port)) {
      const text = `port ${port.port} is ${labelOf(p, port.product)}'s default${port.guess ? ' (a guess: other servers use it too)' : ''}`;
      clues.push({
        kind: 'port',
        vendor: p.id,
        ...(port.product ? { product: port.product } : {}),
        text,
        weight: port.guess ? WEIGHT.guessPort : WEIGHT.port,
      });
    }
  }
  const identified = Boolean(ev.buildInfo?.productName || ev.server?.applicationUri);
  return { clues, identified };
}

export function detectPlatform(ev: ProbeEvidence, hint?: string): VendorDetection {
  const { clues: all, identified } = collectClues(ev);
  // A server that named itself and matched no profile is not made a vendor by its port alone.
  const serverMatched = all.some((c) => c.kind === 'server' || c.kind === 'address-space');
  const clues = identified && !serverMatched ? all.filter((c) => c.kind !== 'port') : all;
  const chosen = hint ? resolveVendorChoice(hint) : undefined;
  if (chosen) return fromHint(chosen, clues);
  const score = new Map<Vendor, number>();
  for (const c of clues) score.set(c.vendor, (score.get(c.vendor) ?? 0) + c.weight);
  const ranked = [...score.entries()].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]);
  const winner = ranked[0]?.[0];
  if (!winner) return generic(ev, identified, clues);
  // Strongest first; among equals, a clue that names the product line says more.
  const mine = clues
    .filter((c) => c.vendor === winner)
    .sort((a, b) => b.weight - a.weight || Number(Boolean(b.product)) - Number(Boolean(a.product)));
  const top = Math.max(...mine.map((c) => c.weight));
  const product = productOf(mine);
  const profile = profileOf(winner);
  const productName = profile?.products.find((p) => p.id === product)?.name;
  const strongest = mine.find((c) => c.weight === top) ?? mine[0];
  return {
    vendor: winner,
    ...(product ? { product } : {}),
    ...(productName ? { productName } : {}),
    confidence: top >= WEIGHT.addressSpace ? 'high' : top >= WEIGHT.name ? 'medium' : 'low',
    why: strongest?.text ?? '',
    evidence: mine.filter((c) => c.weight > 0 || c.product).map((c) => c.text),
    conflicts: clues.filter((c) => c.vendor !== winner && c.weight > 0).map((c) => c.text),
  };
}

/** The product named by the strongest tier of clues; a version clue (weight 0) decides between lines. */
function productOf(mine: readonly VendorClue[]): string | undefined {
  const byVersion = mine.find((c) => c.weight === 0 && c.product)?.product;
  if (byVersion) return byVersion;
  const named = mine.filter((c) => c.product);
  const top = Math.max(...named.map((c) => c.weight));
  const score = new Map<string, number>();
  for (const c of named.filter((x) => x.weight === top))
    score.set(c.product ?? '', (score.get(c.product ?? '') ?? 0) + 1);
  return [...score.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function fromHint(
  chosen: NonNullable<ReturnType<typeof resolveVendorChoice>>,
  clues: readonly VendorClue[],
): VendorDetection {
  const mine = clues.filter((c) => c.vendor === chosen.vendor);
  const product = chosen.product?.id ?? productOf(mine);
  const productName = profileOf(chosen.vendor)?.products.find((p) => p.id === product)?.name;
  return {
    vendor: chosen.vendor,
    ...(product ? { product } : {}),
    ...(productName ? { productName } : {}),
    confidence: 'high',
    why: `--vendor ${chosen.product?.id ?? chosen.vendor} was given`,
    evidence: [`--vendor ${chosen.product?.id ?? chosen.vendor} was given`, ...mine.map((c) => c.text)],
    conflicts: clues.filter((c) => c.vendor !== chosen.vendor && c.weight > 0).map((c) => c.text),
  };
}

function generic(ev: ProbeEvidence, identified: boolean, clues: readonly VendorClue[]): VendorDetection {
  const b = ev.buildInfo;
  const who = b?.productName
    ? `the server names itself "${b.productName}"${b.manufacturerName ? ` by "${b.manufacturerName}"` : ''}`
    : ev.server?.applicationUri
      ? `the server's applicationUri is "${ev.server.applicationUri}"`
      : 'the probe stopped before the server named itself';
  return {
    vendor: 'generic',
    confidence: identified ? 'medium' : 'low',
    why: `${who}; no vendor profile matches`,
    evidence: [`${who}; no vendor profile matches`],
    conflicts: clues.filter((c) => c.weight > 0).map((c) => c.text),
  };
}

/** The vendor only (earlier API): BuildInfo and friends, then the hint, then the port. */
export function detectVendor(ev: ProbeEvidence, hint?: string): Vendor {
  return detectPlatform(ev, hint).vendor;
}
