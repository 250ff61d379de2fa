// Vendor health signals: which browse paths are health items (specs from the vendor profiles,
// or a site's own from the endpoint config) and whether a read of one means "device down".
// The agent browses and reads; this judges, so the same reading always gets the same verdict.
import type { DeviceHealthEvidence } from './evidence.ts';
import { VENDOR_PROFILES } from './vendors/index.ts';
import type { HealthSignalSpec } from './vendors/types.ts';

/** Data-level "connected but bad" codes (OPC UA Part 4 §7.34; research §1, data-value rows). */
export const NO_COMMUNICATION = new Set([
  'BadNoCommunication',
  'BadCommunicationError',
  'BadWaitingForInitialData',
  'BadNotConnected',
  'BadDeviceFailure',
  'BadSensorFailure',
  'BadOutOfService',
]);

/** Every profile's default signals; a site's configured ones come first (issue 13 item 5). */
export function healthSignals(
  configured: readonly HealthSignalSpec[] = [],
  defaults = true,
): HealthSignalSpec[] {
  return [...configured, ...(defaults ? VENDOR_PROFILES.flatMap((p) => p.health) : [])];
}

function globToRegExp(glob: string): RegExp {
  const parts = glob.split('/').map((seg) => {
    if (seg === '**') return '(?:[^/]+/)*';
    const body = seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
    return `${body}/`;
  });
  return new RegExp(`^${parts.join('')}$`);
}

const compiled = new Map<string, RegExp>();

/** Does a browse path (`Channel1/Device1/_System/_Error`) match the spec's glob? */
export function matchesSignal(spec: HealthSignalSpec, path: string): boolean {
  let re = compiled.get(spec.path);
  if (!re) {
    re = globToRegExp(spec.path);
    compiled.set(spec.path, re);
  }
  return path.split('/').length >= (spec.minDepth ?? 1) && re.test(`${path}/`);
}

export interface HealthReading {
  /** Browse path below Objects. */
  readonly node: string;
  readonly status: string;
  readonly value?: unknown;
  /** SourceTimestamp of the value, ms since the epoch. */
  readonly sourceTimestamp?: number;
  /** Values of the siblings the spec names (secondsInError, text), by browse name. */
  readonly siblings?: Readonly<Record<string, unknown>>;
}

type Scalar = string | number | boolean;

/** `false` matches 0 and "false"; strings compare case-insensitively. */
function same(expected: Scalar, actual: unknown): boolean {
  if (typeof expected === 'boolean' && typeof actual === 'number') return Number(expected) === actual;
  if (typeof expected === 'number' && typeof actual === 'boolean') return expected === Number(actual);
  return String(expected).toLowerCase() === String(actual).toLowerCase();
}

function isBad(spec: HealthSignalSpec, r: HealthReading, now: number): boolean {
  const b = spec.bad;
  if ('equals' in b) return b.equals.some((e) => same(e, r.value));
  if ('below' in b) return typeof r.value === 'number' && r.value < b.below;
  return r.sourceTimestamp !== undefined && now - r.sourceTimestamp > b.olderThanS * 1000;
}

/** The device a signal speaks for: its path without the last `device` segments (and `skip` first). */
export function deviceOf(spec: Pick<HealthSignalSpec, 'device' | 'skip'>, path: string): string {
  const segs = path.split('/');
  const name = segs.slice(spec.skip ?? 0, Math.max(segs.length - spec.device, 0)).join('/');
  return name || segs.slice(0, -1).join('/') || path;
}

export function judgeHealth(spec: HealthSignalSpec, r: HealthReading, now: number): DeviceHealthEvidence {
  const base = {
    source: spec.id,
    node: r.node,
    status: r.status,
    label: spec.label,
    device: deviceOf(spec, r.node),
  };
  if (NO_COMMUNICATION.has(r.status)) return { ...base, bad: true };
  // Bad_NodeIdUnknown and friends: the signal is unavailable, which says nothing about the device.
  if (r.status !== 'Good') return { ...base, bad: false };
  const words = spec.values?.[String(r.value)];
  const value = `${String(r.value)}${words ? ` (${words})` : ''}`;
  const bad = isBad(spec, r, now);
  const text = spec.text ? r.siblings?.[spec.text] : undefined;
  const seconds = spec.secondsInError ? r.siblings?.[spec.secondsInError] : undefined;
  const since = typeof seconds === 'number' ? now - seconds * 1000 : r.sourceTimestamp;
  return {
    ...base,
    value,
    bad,
    ...(bad && since !== undefined ? { since } : {}),
    ...(typeof text === 'string' && text ? { text } : {}),
  };
}
