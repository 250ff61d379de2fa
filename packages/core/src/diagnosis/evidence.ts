// What the probe ladder saw, as plain data. The agent records it; the pure rules in this
// folder turn it into a diagnosis. Nothing here may hold a password: the ladder records
// only whether credentials were configured (see `request.hasCredentials`).

/** Ladder steps in order (PRODUCT.md "The probe ladder"). */
export const STEP_NAMES = [
  'url',
  'dns',
  'tcp',
  'hello',
  'endpoints',
  'select-endpoint',
  'certificates',
  'secure-channel',
  'session',
  'reads',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** A failure as the runtime reported it, kept verbatim for the `unknown` case. */
export interface RawError {
  readonly message: string;
  /** OPC UA status name when one was attached (`err.statusCode`, a ServiceFault). */
  readonly statusName?: string;
  /** Socket errno such as ECONNREFUSED when one was attached. */
  readonly errno?: string;
  /** The ladder's own deadline fired before the runtime answered. */
  readonly timedOut?: boolean;
  /**
   * Set where the agent read the server's bytes itself (its own Hello, the socket tap) or its
   * isolation stopped the probe, so the rules need not guess from the message text.
   */
  readonly kind?: TransportFault;
}

/**
 * `protocol-violation`: the server broke a rule of OPC UA Part 6 (the message says which);
 * `foreign-bytes`: what came back is not OPC UA at all; `peer-closed`: the server closed the
 * connection without a word; `library-fault`: the OPC UA library crashed, stalled or ran out of
 * its memory budget on the server's answer (the agent survives it: the probe runs isolated).
 */
export const TRANSPORT_FAULTS = [
  'protocol-violation',
  'foreign-bytes',
  'peer-closed',
  'library-fault',
] as const;
export type TransportFault = (typeof TRANSPORT_FAULTS)[number];

export interface StepEvidence {
  readonly name: StepName;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail?: string;
  readonly error?: RawError;
}

export type SecurityModeName = 'None' | 'Sign' | 'SignAndEncrypt' | 'Invalid';
export type UserTokenName = 'Anonymous' | 'UserName' | 'Certificate' | 'IssuedToken';

export interface EndpointEvidence {
  readonly endpointUrl: string;
  readonly securityMode: SecurityModeName;
  /** Short policy name: `None`, `Basic256Sha256`, `Aes128_Sha256_RsaOaep`, ... */
  readonly securityPolicy: string;
  readonly securityLevel: number;
  readonly userTokens: readonly UserTokenName[];
  /** Policies used to encrypt user tokens, when they differ from the endpoint's. */
  readonly userTokenPolicies?: readonly string[];
}

export interface CertificateEvidence {
  readonly thumbprint: string;
  readonly subject: string;
  /** The issuer's distinguished name (added for the fleet certificate inventory, issue 16). */
  readonly issuer?: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly applicationUri?: string;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
}

export interface BuildInfoEvidence {
  readonly productName: string;
  readonly manufacturerName: string;
  readonly softwareVersion: string;
  readonly buildNumber: string;
  readonly productUri?: string;
  readonly buildDate?: string;
}

/** A vendor health signal read after the session opened (judged by health.ts). */
export interface DeviceHealthEvidence {
  /** The health signal's id (`kepware-device-error`, a site's own), or `tag-quality`. */
  readonly source: string;
  /** Browse path below Objects the value came from. */
  readonly node: string;
  readonly value?: string;
  /** Status code name of the read. */
  readonly status: string;
  /** The rule-relevant verdict, decided where the raw value is understood. */
  readonly bad: boolean;
  /** The device (or collector) the signal speaks for, as a browse path. */
  readonly device?: string;
  /** Since when it is bad (ms since the epoch): the vendor's seconds-in-error or the value's timestamp. */
  readonly since?: number;
  /** The vendor's own error text, verbatim. */
  readonly text?: string;
  /** What the signal is, for a tech: `Kepware device _System._Error`. */
  readonly label?: string;
}

/** The cell client the ladder ran as (issue 17): its settings, never its key. */
export interface ClientEvidence {
  readonly name: string;
  /** As the tech knows it: `Ignition Gateway`. */
  readonly label?: string;
  /** The client's platform (a vendor id): what its screens show comes from that profile. */
  readonly vendor?: string;
  readonly securityPolicy: string;
  readonly securityMode: SecurityModeName;
  readonly userTokenType: UserTokenName;
  /** The client's application certificate, when its file could be read. */
  readonly certificate?: CertificateEvidence;
  /** Whether the probe presented the client's own certificate (its key was available). */
  readonly keyAvailable: boolean;
}

/** A client certificate found in the server's rejected folder (the trust-store watch). */
export interface RejectedCertificateEvidence {
  readonly thumbprint: string;
  readonly subject: string;
  readonly applicationUri?: string;
  readonly notBefore: number;
  readonly notAfter: number;
  /** When it landed there (the file's time, ms since the epoch). */
  readonly firstSeen: number;
}

/**
 * A server event-log entry saying the server refused a client certificate (issue 17): the
 * Kepware Configuration API's "The UA Client certificate '<name>' has been rejected" line. The
 * entry names the certificate, not its thumbprint; a later "has been trusted" line for the same
 * name clears it, so only certificates still refused at the end of the read are evidence.
 */
export interface RejectedEventEvidence {
  /** The certificate as the entry names it. */
  readonly certificate: string;
  /** When the server started refusing it (the first rejection since it was last trusted). */
  readonly since: number;
  /** The latest such entry. */
  readonly lastSeen: number;
  /** A thumbprint, when the entry carries one (40 hex digits). */
  readonly thumbprint?: string;
  /** The entry's source and text, as the server wrote them (capped). */
  readonly source: string;
  readonly message: string;
}

export interface ProbeEvidence {
  readonly url: string;
  /** The endpoint's name in the agent config: a vendor clue before any server answer. */
  readonly endpointName?: string;
  readonly host?: string;
  readonly port?: number;
  readonly request: {
    readonly security: 'auto' | 'none' | 'sign' | 'sign-and-encrypt';
    readonly allowSecurityNone: boolean;
    readonly hasCredentials: boolean;
    readonly trustOnFirstUse: boolean;
  };
  readonly steps: readonly StepEvidence[];
  readonly addresses?: readonly string[];
  readonly endpoints?: readonly EndpointEvidence[];
  readonly server?: {
    readonly applicationUri?: string;
    readonly productUri?: string;
    readonly applicationName?: string;
  };
  readonly advertisedHosts?: readonly { readonly host: string; readonly resolvable: boolean }[];
  readonly chosen?: EndpointEvidence;
  /** The certificate the probe presents: the agent's, or a cell client's when probing with its key. */
  readonly agentCertificate?: CertificateEvidence;
  readonly serverCertificate?: CertificateEvidence;
  /** Trust of the server certificate in the agent's PKI before this probe touched it. */
  readonly serverCertificateTrust?: 'trusted' | 'rejected' | 'unknown' | 'trusted-on-first-use';
  /** Server clock minus local clock, from ServerStatus.CurrentTime or a response timestamp. */
  readonly clockOffsetMs?: number;
  readonly serverState?: string;
  readonly buildInfo?: BuildInfoEvidence;
  readonly namespaces?: readonly string[];
  readonly operationLimits?: Readonly<Record<string, number>>;
  readonly sessionCounts?: {
    readonly current?: number;
    readonly cumulated?: number;
    readonly rejected?: number;
    readonly max?: number;
  };
  readonly deviceHealth?: readonly DeviceHealthEvidence[];
  /** Set when the ladder ran as one of the cell's own clients rather than as the agent. */
  readonly asClient?: ClientEvidence;
  /** The cell's listed clients and their certificate thumbprints, to match rejected ones. */
  readonly listedClients?: readonly {
    readonly name: string;
    readonly label?: string;
    readonly thumbprint: string;
    /** Its certificate's subject and application URI, to match event-log entries that name it. */
    readonly subject?: string;
    readonly applicationUri?: string;
  }[];
  /** What the server's rejected folder holds (a configured folder on this machine). */
  readonly serverRejected?: readonly RejectedCertificateEvidence[];
  /** What the server's event log says it refuses (the Kepware Configuration API; `eventLog`). */
  readonly serverRejectedEvents?: readonly RejectedEventEvidence[];
  /** Why the configured event log could not be read, when it could not. */
  readonly eventLogError?: string;
}
