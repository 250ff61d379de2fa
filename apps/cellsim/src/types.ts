// Public types of the emulator. Kept in one file so index.ts can re-export them verbatim and
// the e2e suites, the fault-matrix test and the demo depend on exactly one declaration.

export type CellKind =
  | 'kepware'
  | 'ignition'
  | 'generic'
  | 'factorytalk'
  | 'aveva'
  | 'wincc-unified'
  | 'wincc-oa'
  | 'proficy';

export const CELL_KINDS: readonly CellKind[] = [
  'kepware',
  'ignition',
  'generic',
  'factorytalk',
  'aveva',
  'wincc-unified',
  'wincc-oa',
  'proficy',
];

export type Fault =
  | 'port-closed'
  | 'not-opcua'
  | 'silent'
  | 'drop-on-accept'
  | 'strict-pki'
  | 'server-cert-expired'
  | 'cert-uri-mismatch'
  | 'security-none-only'
  | 'deprecated-security-only'
  | 'anonymous-disabled'
  | 'session-limit'
  | 'advertised-host-unresolvable'
  | 'clock-skew'
  | 'device-not-communicating'
  | 'message-too-large'
  | 'server-busy'
  | 'write-refused'
  | 'write-altered';

export type ParameterValue = number | string | boolean;

export interface CellOptions {
  kind: CellKind;
  /** e.g. 'press-01'; also used in the applicationUri and the certificate subject */
  name: string;
  /** 0 (default) = pick a free port */
  port?: number;
  /** default '127.0.0.1' */
  host?: string;
  softwareVersion?: string;
  buildNumber?: string;
  /** override default parameter values by tag path, e.g. 'Channel1.Device1.Recipe.Speed' */
  parameters?: Record<string, ParameterValue>;
  /** tag paths (or folder/device prefixes) to leave out: drift such as a missing tag or device */
  omitTags?: string[];
  faults?: Fault[];
  /** username -> password accepted by the server; default { operator: 'operator-pass' } */
  users?: Record<string, string>;
  /** server PKI root; default: a temp dir removed on stop */
  pkiDir?: string;
  /** DER certificates trusted even under strict-pki */
  trustedClientCertificates?: Buffer[];
  /** for clock-skew; default 15 min */
  clockSkewMs?: number;
  /** add N extra config variables in a subtree (big-snapshot benchmarks) */
  extraNodes?: number;
  /** add an Organizes reference cycle in the config subtree */
  cyclicReference?: boolean;
}

export interface RunningCell {
  /** opc.tcp://127.0.0.1:<port>[/vendor path]; stays the same across fault switches */
  readonly endpointUrl: string;
  readonly port: number;
  readonly options: CellOptions;
  setFaults(faults: Fault[]): Promise<void>;
  readParameter(path: string): unknown;
  setParameter(path: string, value: ParameterValue): void;
  rejectedClientCertificates(): Promise<Buffer[]>;
  trustClientCertificate(der: Buffer): Promise<void>;
  /** DER of the certificate the server presents now (addition: for trust-on-first-use tests) */
  serverCertificate(): Buffer;
  stop(): Promise<void>;
}
