import type { CellOptions, Fault, ParameterValue } from './types.ts';
import type { TagContext, TagDef, TagType, VendorProfile } from './vendors/model.ts';
import { isOmitted } from './vendors/model.ts';

// The part of a cell that outlives inner-server restarts: active faults, the parameter store
// and the clock. Tag getters and setters read and write here, so values survive a restart.

export const DEFAULT_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface CellState {
  readonly profile: VendorProfile;
  /** tags present in this cell (omitTags removed), by path */
  readonly tags: ReadonlyMap<string, TagDef>;
  readonly faults: ReadonlySet<Fault>;
  readonly context: TagContext;
  setFaults(faults: readonly Fault[]): void;
  readParameter(path: string): ParameterValue;
  /** operator/test side: coerce and store, never altered or refused */
  setParameter(path: string, value: unknown): void;
  /** client side (OPC UA Write): applies write-refused / write-altered */
  writeFromClient(path: string, value: ParameterValue): 'stored' | 'refused';
  setSessionCounter(count: () => number): void;
}

const INTEGER_RANGE: Partial<Record<TagType, [number, number]>> = {
  Int32: [-2147483648, 2147483647],
  UInt32: [0, 4294967295],
};

/** Turn a CLI/test value into the tag's type; throws an error that names the tag. */
export function coerceParameter(tag: TagDef, value: unknown): ParameterValue {
  const fail = (): never => {
    throw new Error(
      `parameter ${tag.path}: expected a value of type ${tag.type}, got ${JSON.stringify(value)}`,
    );
  };
  switch (tag.type) {
    case 'String':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : fail();
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      return fail();
    case 'FloatArray':
      return fail();
    default: {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
      if (!Number.isFinite(n)) return fail();
      const range = INTEGER_RANGE[tag.type];
      if (range && (!Number.isInteger(n) || n < range[0] || n > range[1])) return fail();
      return n;
    }
  }
}

// write-altered: the device "accepts" the write but keeps something else, e.g. a PLC that
// clamps or rounds a setpoint. Deterministic, so a rollback test can predict the stored value.
export function alteredValue(value: ParameterValue): ParameterValue {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  return `${value}~`;
}

export function createCellState(profile: VendorProfile, options: CellOptions): CellState {
  const tags = new Map<string, TagDef>();
  for (const tag of profile.tags) if (!isOmitted(tag.path, options.omitTags ?? [])) tags.set(tag.path, tag);

  const parameters = new Map<string, ParameterValue>();
  for (const tag of tags.values())
    if (tag.role === 'parameter' && tag.value !== undefined) parameters.set(tag.path, tag.value);

  const parameterTag = (path: string): TagDef => {
    const tag = tags.get(path);
    if (tag?.role !== 'parameter') throw new Error(`unknown parameter tag: ${path}`);
    return tag;
  };
  for (const [path, value] of Object.entries(options.parameters ?? {})) {
    parameters.set(path, coerceParameter(parameterTag(path), value));
  }

  const startedAt = Date.now();
  const faults = new Set<Fault>();
  const faultSince = new Map<Fault, number>();
  const faultChanged = new Map<Fault, number>();
  let sessionCount = (): number => 0;
  const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const version = options.softwareVersion ?? profile.buildInfo.softwareVersion;

  const context: TagContext = {
    now: () => new Date(Date.now() + (faults.has('clock-skew') ? skew : 0)),
    uptimeMs: () => Date.now() - startedAt,
    parameter: (path) => parameters.get(path) ?? profile.tags.find((t) => t.path === path)?.value ?? 0,
    faults,
    sessionCount: () => sessionCount(),
    faultAgeMs: (fault) => {
      const since = faultSince.get(fault);
      return since === undefined ? undefined : Date.now() - since;
    },
    faultChangedAt: (fault) => faultChanged.get(fault) ?? startedAt,
    cellName: options.name,
    softwareVersion: version,
    buildNumber:
      options.buildNumber ??
      (options.softwareVersion ? profile.buildNumberFor(version) : profile.buildInfo.buildNumber),
  };

  const state: CellState = {
    profile,
    tags,
    faults,
    context,
    setFaults(next) {
      const now = Date.now();
      for (const f of faults) {
        if (next.includes(f)) continue;
        faultSince.delete(f);
        faultChanged.set(f, now);
      }
      faults.clear();
      for (const f of next) {
        faults.add(f);
        if (!faultSince.has(f)) {
          faultSince.set(f, now);
          faultChanged.set(f, now);
        }
      }
    },
    readParameter: (path) => {
      parameterTag(path);
      return parameters.get(path) ?? '';
    },
    setParameter: (path, value) => {
      parameters.set(path, coerceParameter(parameterTag(path), value));
    },
    writeFromClient(path, value) {
      if (faults.has('write-refused')) return 'refused';
      parameters.set(path, faults.has('write-altered') ? alteredValue(value) : value);
      return 'stored';
    },
    setSessionCounter(count) {
      sessionCount = count;
    },
  };
  state.setFaults(options.faults ?? []);
  return state;
}
