import type { CellKind } from '../types.ts';
import { aveva } from './aveva.ts';
import { factorytalk } from './factorytalk.ts';
import { generic } from './generic.ts';
import { ignition } from './ignition.ts';
import { kepware } from './kepware.ts';
import type { VendorProfile } from './model.ts';
import { proficy } from './proficy.ts';
import { winccOa } from './wincc-oa.ts';
import { winccUnified } from './wincc-unified.ts';

export const PROFILES: Record<CellKind, VendorProfile> = {
  kepware,
  ignition,
  generic,
  factorytalk,
  aveva,
  'wincc-unified': winccUnified,
  'wincc-oa': winccOa,
  proficy,
};
