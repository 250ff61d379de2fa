// Which server product answered, from what the ladder could see. Earlier steps know less:
// before a session only the port and the discovery answer are available (research §4, §5).
import type { Vendor } from './codes.ts';
import type { ProbeEvidence } from './evidence.ts';

const KEPWARE = /kepware|kepserver|ptc\b|thingworx kepware/i;
const IGNITION = /ignition|inductive ?automation|inductiveautomation/i;

/** Kepware's default UA port and Ignition's (research §2.3 A1, §5). */
const DEFAULT_PORTS: Readonly<Record<number, Vendor>> = { 49320: 'kepware', 62541: 'ignition' };

export function detectVendor(ev: ProbeEvidence, hint?: Vendor): Vendor {
  const texts = [
    ev.buildInfo?.manufacturerName,
    ev.buildInfo?.productName,
    ev.buildInfo?.productUri,
    ev.server?.applicationUri,
    ev.server?.productUri,
    ev.server?.applicationName,
    ...(ev.namespaces ?? []),
  ].filter((t): t is string => typeof t === 'string');
  if (texts.some((t) => KEPWARE.test(t))) return 'kepware';
  if (texts.some((t) => IGNITION.test(t))) return 'ignition';
  if (hint !== undefined) return hint;
  return (ev.port !== undefined ? DEFAULT_PORTS[ev.port] : undefined) ?? 'generic';
}
