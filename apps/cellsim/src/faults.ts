import type { Fault } from './types.ts';

// One row per fault: what it emulates and what a client observes. The CLI's --help and the
// README are written from this table; the tests check each "observed" claim.
export const FAULT_CATALOGUE = {
  'port-closed': 'front listener closed: connect fails with ECONNREFUSED; the same port reopens on clear',
  'not-opcua': 'port answers like an HTTP server: the OPC UA Hello gets an HTTP 400 reply',
  silent: 'TCP accepted, nothing ever answered: the Hello times out (transportTimeout)',
  'drop-on-accept': 'socket destroyed right after accept: "disconnected by third party"',
  'strict-pki': 'unknown client certificates rejected: BadSecurityChecksFailed at OpenSecureChannel',
  'server-cert-expired': 'server certificate valid two years ago for one year (expired)',
  'cert-uri-mismatch':
    'server certificate issued for the applicationUri of <name>-old; the server advertises that of <name>',
  'security-none-only': 'only SecurityMode None endpoints',
  'deprecated-security-only':
    'only Basic128Rsa15 and Basic256 endpoints (plus a restricted None for discovery)',
  'anonymous-disabled': 'no Anonymous user token policy; configured users still accepted',
  'session-limit': 'MaxSessions = 1 and held: CreateSession fails with BadTooManySessions',
  'advertised-host-unresolvable': 'endpoints advertise opc.tcp://<name>.invalid:<port>',
  'clock-skew': 'ServerStatus.CurrentTime (and vendor clock tags) off by clockSkewMs (default +15 min)',
  'device-not-communicating':
    'device tags BadNoCommunication; Kepware _System._Error = true; Ignition Connected = false',
  'message-too-large':
    'negotiated MaxMessageSize 64 KiB and the large recipe table grows: reading it fails with BadTcpMessageTooLarge',
  'server-busy': 'ServerStatus.State = Suspended',
  'write-refused': 'writes to parameter tags fail with BadUserAccessDenied',
  'write-altered': 'writes to parameter tags report Good but store a different value',
} as const satisfies Record<Fault, string>;

export const FAULTS = Object.keys(FAULT_CATALOGUE) as Fault[];

export function isFault(value: string): value is Fault {
  return Object.hasOwn(FAULT_CATALOGUE, value);
}

/** What the public TCP port does. */
export type NetworkMode = 'pipe' | 'closed' | 'drop' | 'silent' | 'http';

// When several network faults are set the one that fails earliest in the probe ladder wins:
// nothing listening beats a socket that is dropped, beats silence, beats a foreign protocol.
export function networkMode(faults: ReadonlySet<Fault>): NetworkMode {
  if (faults.has('port-closed')) return 'closed';
  if (faults.has('drop-on-accept')) return 'drop';
  if (faults.has('silent')) return 'silent';
  if (faults.has('not-opcua')) return 'http';
  return 'pipe';
}

/** Faults that change the server certificate, hence need a restart of the inner server. */
const CERTIFICATE_FAULTS: readonly Fault[] = ['server-cert-expired', 'cert-uri-mismatch'];

export function needsRestart(before: ReadonlySet<Fault>, after: ReadonlySet<Fault>): boolean {
  return CERTIFICATE_FAULTS.some((f) => before.has(f) !== after.has(f));
}
