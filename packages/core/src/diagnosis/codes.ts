// The stable diagnosis codes of PRODUCT.md ("The probe ladder and the diagnosis taxonomy"),
// plus one addition with its reason below. Hubs store these strings: never rename one.

export const DIAGNOSIS_CODES = [
  'ok',
  'invalid-url',
  'dns-unresolved',
  'host-unreachable',
  'port-closed',
  'tcp-timeout',
  'not-opcua',
  'handshake-timeout',
  'connection-dropped',
  'endpoint-url-rejected',
  'advertised-host-unresolvable',
  'security-policy-mismatch',
  'deprecated-security-only',
  'security-none-only',
  'client-cert-untrusted',
  'client-cert-expired',
  'server-cert-untrusted',
  'server-cert-expired',
  'cert-hostname-mismatch',
  'cert-uri-mismatch',
  'clock-skew',
  'anonymous-disabled',
  'bad-credentials',
  'too-many-sessions',
  'server-busy',
  'message-too-large',
  'device-not-communicating',
  'unknown',
  // Added: issue 3 asks for a finding when a certificate expires within 30 days. No table code
  // fits (the *-expired codes mean "already outside validity" and are failures), and reusing
  // them would make the hub count a healthy cell as failed. Only ever a finding.
  'cert-expiring-soon',
  // Added: issue 12. A server that answers with malformed OPC UA (an Acknowledge with buffer
  // sizes of 0 or 4 GiB, a truncated Error message, chunks that lie about their length) is
  // neither "not OPC UA" nor a timeout; the tech needs to hear that the server broke the
  // protocol and which rule, to take it to the server's vendor.
  'protocol-violation',
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

export type Severity = 'ok' | 'info' | 'warning' | 'error' | 'critical';

/**
 * Platform vendors with a profile in ./vendors (one module each); `generic` when no profile
 * matched. Stored by hubs and searched by techs: never rename one.
 */
export const VENDOR_IDS = ['kepware', 'ignition', 'rockwell', 'aveva', 'siemens', 'ge', 'generic'] as const;
export type Vendor = (typeof VENDOR_IDS)[number];

export interface Remediation {
  readonly vendor: Vendor;
  /** `KEPServerEX 6`, `Ignition 8.3`, `WinCC Unified`, `PLC / other OPC UA server`, … */
  readonly product: string;
  readonly steps: readonly string[];
}

export interface Diagnosis {
  readonly code: DiagnosisCode;
  readonly severity: Severity;
  /** One line a tech can read aloud on the phone. */
  readonly summary: string;
  /** What was observed, step by step, verbatim where it came from the runtime. */
  readonly evidence: readonly string[];
  /** Likely causes, most likely first for the detected vendor. */
  readonly causes: readonly string[];
  /** Fix steps; the detected vendor's products first. */
  readonly remediation: readonly Remediation[];
  /** What other clients display for the same cause, so a tech can match symptoms. */
  readonly otherClientsShow: readonly string[];
  /** The check that proves the fix. */
  readonly verification: string;
  /** For which platform causes and fixes were ranked, and why (vendor detection). */
  readonly rankedFor?: RankedFor;
}

export interface RankedFor {
  readonly vendor: Vendor;
  /** Product line name, as on its fix block (`WinCC Unified`). */
  readonly product?: string;
  readonly confidence: 'high' | 'medium' | 'low';
  /** `port 4890 is WinCC Unified's default`. */
  readonly why: string;
}
