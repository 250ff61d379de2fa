// A probe result: the ladder the agent walked and the diagnosis it reached.
// Later minor versions may add fields; receivers ignore what they do not know.
import Type from 'typebox';
import { Timestamp } from '../bounds.ts';

export const BuildInfo = Type.Object({
  productName: Type.String(),
  manufacturerName: Type.String(),
  softwareVersion: Type.String(),
  buildNumber: Type.String(),
  productUri: Type.Optional(Type.String()),
  buildDate: Type.Optional(Type.String()),
});
export type BuildInfo = Type.Static<typeof BuildInfo>;

export const ProbeStep = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  ok: Type.Boolean(),
  ms: Type.Number({ minimum: 0 }),
  detail: Type.Optional(Type.String({ maxLength: 4096 })),
});
export type ProbeStep = Type.Static<typeof ProbeStep>;

export const Severity = Type.Union([
  Type.Literal('ok'),
  Type.Literal('info'),
  Type.Literal('warning'),
  Type.Literal('error'),
  Type.Literal('critical'),
]);
export type Severity = Type.Static<typeof Severity>;

export const DiagnosisCode = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 });

const Line = Type.String({ maxLength: 2048 });

/**
 * A platform vendor id (`kepware`, `siemens`, `generic`…; core VENDOR_IDS). 1.0 listed three
 * literals; a pattern lets a receiver take a vendor added later without a schema change.
 */
export const VendorId = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 32 });

export const Confidence = Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]);

/** Fix steps for one server product (KEPServerEX 6, Ignition 8.3, WinCC Unified, generic…). */
export const RemediationSchema = Type.Object({
  vendor: VendorId,
  product: Type.String({ maxLength: 64 }),
  steps: Type.Array(Line, { maxItems: 16 }),
});

/** For which platform the causes and fixes were ranked, and why (added in 1.1, optional). */
export const RankedFor = Type.Object({
  vendor: VendorId,
  product: Type.Optional(Type.String({ maxLength: 64 })),
  confidence: Confidence,
  why: Type.String({ maxLength: 512 }),
});

// code/severity/summary are what every receiver relies on; the rest (added in 1.1) is the
// explanation a tech reads: ranked causes, vendor steps, other clients' symptoms, the check.
export const DiagnosisSummary = Type.Object({
  code: DiagnosisCode,
  severity: Severity,
  summary: Type.String({ maxLength: 1024 }),
  evidence: Type.Optional(Type.Array(Line, { maxItems: 32 })),
  causes: Type.Optional(Type.Array(Line, { maxItems: 16 })),
  remediation: Type.Optional(Type.Array(RemediationSchema, { maxItems: 8 })),
  otherClientsShow: Type.Optional(Type.Array(Line, { maxItems: 8 })),
  verification: Type.Optional(Line),
  rankedFor: Type.Optional(RankedFor),
});
export type DiagnosisSummary = Type.Static<typeof DiagnosisSummary>;

export const CertificateSummary = Type.Object({
  thumbprint: Type.String({ pattern: '^[0-9a-f]{40}$' }),
  subject: Type.String({ maxLength: 512 }),
  /** The issuer's distinguished name (issue 16, added in 1.1 as an optional field: no protocol bump). */
  issuer: Type.Optional(Type.String({ maxLength: 512 })),
  applicationUri: Type.Optional(Type.String({ maxLength: 512 })),
  notBefore: Type.Integer(),
  notAfter: Type.Integer(),
});
export type CertificateSummary = Type.Static<typeof CertificateSummary>;

export const ProbeBody = Type.Object({
  endpoint: Type.String({ minLength: 1, maxLength: 64 }),
  url: Type.String({ maxLength: 512 }),
  ok: Type.Boolean(),
  startedAt: Timestamp,
  durationMs: Type.Number({ minimum: 0 }),
  steps: Type.Array(ProbeStep, { maxItems: 64 }),
  diagnosis: DiagnosisSummary,
  findings: Type.Array(DiagnosisSummary, { maxItems: 64 }),
  server: Type.Optional(
    Type.Object({
      buildInfo: Type.Optional(BuildInfo),
      state: Type.Optional(Type.String()),
      currentTime: Type.Optional(Type.Integer()),
    }),
  ),
  /** Detected server vendor: which remediation applies. */
  vendor: Type.Optional(VendorId),
  /** How the vendor was detected: the evidence, what pointed elsewhere, how sure (added in 1.1). */
  vendorDetection: Type.Optional(
    Type.Object({
      vendor: VendorId,
      /** Product line id (`wincc-unified`) and its display name. */
      product: Type.Optional(Type.String({ maxLength: 64 })),
      productName: Type.Optional(Type.String({ maxLength: 64 })),
      confidence: Confidence,
      why: Type.String({ maxLength: 512 }),
      evidence: Type.Array(Type.String({ maxLength: 512 }), { maxItems: 16 }),
      conflicts: Type.Array(Type.String({ maxLength: 512 }), { maxItems: 16 }),
    }),
  ),
  /** `SignAndEncrypt/Basic256Sha256` and so on: what the probe used or would have used. */
  security: Type.Optional(Type.String({ maxLength: 128 })),
  /** The certificate a server must trust; SHA-1 thumbprint as Kepware and Ignition show it. */
  agentCertificate: Type.Optional(CertificateSummary),
  serverCertificate: Type.Optional(CertificateSummary),
  /**
   * Set when the probe ran as one of the cell's own clients (issue 17, added in 1.1 as an
   * optional field): which client, as configured, and what could not be proven without its key.
   * Never the key or its path.
   */
  client: Type.Optional(
    Type.Object({
      name: Type.String({ minLength: 1, maxLength: 64 }),
      label: Type.Optional(Type.String({ maxLength: 64 })),
      vendor: Type.Optional(VendorId),
      securityPolicy: Type.String({ maxLength: 64 }),
      securityMode: Type.String({ maxLength: 32 }),
      userTokenType: Type.String({ maxLength: 32 }),
      certificate: Type.Optional(CertificateSummary),
      keyAvailable: Type.Boolean(),
      unproven: Type.Array(Line, { maxItems: 4 }),
    }),
  ),
  /** The trust-store watch: client certificates in the server's rejected folder (issue 17). */
  serverRejected: Type.Optional(
    Type.Array(
      Type.Object({
        ...CertificateSummary.properties,
        /** When it landed in the folder (ms since the epoch). */
        firstSeen: Type.Integer(),
        /** The listed client it belongs to, when it is one. */
        client: Type.Optional(Type.String({ maxLength: 64 })),
      }),
      { maxItems: 32 },
    ),
  ),
  /**
   * The server's event log (issue 17, `eventLog` in the agent config; the Kepware Configuration
   * API): client certificates it reports refusing and not trusted since, each matched to a listed
   * client when one fits. Added as an optional field: no protocol bump.
   */
  serverRejectedEvents: Type.Optional(
    Type.Array(
      Type.Object({
        certificate: Type.String({ maxLength: 256 }),
        since: Type.Integer(),
        lastSeen: Type.Integer(),
        thumbprint: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{40}$' })),
        source: Type.String({ maxLength: 128 }),
        message: Type.String({ maxLength: 512 }),
        client: Type.Optional(Type.String({ maxLength: 64 })),
      }),
      { maxItems: 32 },
    ),
  ),
  /** Why the configured event log could not be read (never its credentials). */
  eventLogError: Type.Optional(Type.String({ maxLength: 512 })),
});
export type ProbeBody = Type.Static<typeof ProbeBody>;
