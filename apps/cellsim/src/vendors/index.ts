import type { CellKind } from '../types.ts';
import { generic } from './generic.ts';
import { ignition } from './ignition.ts';
import { kepware } from './kepware.ts';
import type { VendorProfile } from './model.ts';

export const PROFILES: Record<CellKind, VendorProfile> = { kepware, ignition, generic };
