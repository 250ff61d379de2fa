// The registry of platform profiles. Order matters only for ties in detection and for the
// order of other vendors' fix blocks after the detected vendor's and the generic ones.
import type { Vendor } from '../codes.ts';
import { aveva } from './aveva.ts';
import { ge } from './ge.ts';
import { ignition } from './ignition.ts';
import { kepware } from './kepware.ts';
import { rockwell } from './rockwell.ts';
import { siemens } from './siemens.ts';
import type { Product, VendorProfile } from './types.ts';

export const VENDOR_PROFILES: readonly VendorProfile[] = [kepware, ignition, rockwell, aveva, siemens, ge];

export function profileOf(vendor: Vendor | string): VendorProfile | undefined {
  return VENDOR_PROFILES.find((p) => p.id === vendor);
}

/** A vendor id (`siemens`) or a product id (`wincc-unified`), as `--vendor` accepts them. */
export function resolveVendorChoice(choice: string): { vendor: Vendor; product?: Product } | undefined {
  const c = choice.toLowerCase();
  if (c === 'generic') return { vendor: 'generic' };
  for (const p of VENDOR_PROFILES) {
    if (p.id === c) return { vendor: p.id };
    const product = p.products.find((x) => x.id === c);
    if (product) return { vendor: p.id, product };
  }
  return undefined;
}

/** Every id `--vendor` accepts: vendor ids, then product ids. */
export function vendorChoices(): string[] {
  return [
    ...VENDOR_PROFILES.map((p) => p.id),
    'generic',
    ...VENDOR_PROFILES.flatMap((p) => p.products.filter((x) => x.role === 'server').map((x) => x.id)),
  ];
}

export type { VendorProfile } from './types.ts';
