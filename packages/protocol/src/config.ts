// The agent's YAML config file. The hub's `enroll` command prints one; the agent validates
// it at start and names the file, the field and what was expected.
import Type from 'typebox';
import { LogConfig } from './hub-config.ts';
import { Identity } from './messages/state.ts';

export const SecurityChoice = Type.Union([
  Type.Literal('auto'),
  Type.Literal('none'),
  Type.Literal('sign'),
  Type.Literal('sign-and-encrypt'),
]);
export type SecurityChoice = Type.Static<typeof SecurityChoice>;

const Scalar = Type.Union([Type.String({ maxLength: 128 }), Type.Number(), Type.Boolean()]);

/**
 * A vendor health item a site exposes (issue 13): found by browse path below Objects, a glob with
 * `*` for one segment and `**` for any number (`**` + `/_System/_Error`). Same shape as core's
 * HealthSignalSpec; every vendor profile brings its defaults.
 */
export const HealthSignalConfig = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 }),
  label: Type.String({ minLength: 1, maxLength: 128 }),
  path: Type.String({ minLength: 1, maxLength: 512 }),
  /** Segments dropped from the end of the matched path to name the device (1 = its parent). */
  device: Type.Integer({ minimum: 0, maximum: 16 }),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 16 })),
  minDepth: Type.Optional(Type.Integer({ minimum: 1, maximum: 32 })),
  bad: Type.Union([
    Type.Object({ equals: Type.Array(Scalar, { minItems: 1, maxItems: 32 }) }),
    Type.Object({ below: Type.Number() }),
    Type.Object({ olderThanS: Type.Number({ minimum: 1 }) }),
  ]),
  secondsInError: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  values: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 64 }))),
});
export type HealthSignalConfig = Type.Static<typeof HealthSignalConfig>;

/** Security policies a plant client may be configured with (OPC UA Part 7 profiles; short names). */
export const ClientSecurityPolicy = Type.Union([
  Type.Literal('None'),
  Type.Literal('Basic128Rsa15'),
  Type.Literal('Basic256'),
  Type.Literal('Basic256Sha256'),
  Type.Literal('Aes128_Sha256_RsaOaep'),
  Type.Literal('Aes256_Sha256_RsaPss'),
]);

/**
 * One of the cell's own OPC UA clients (issue 17): the agent probes the server the way this
 * client is configured, so a stale host name, a policy the server dropped or a refused
 * certificate shows up for the client by name. `certificate` is the client's application
 * certificate (DER or PEM, public); `privateKey` only where the site lets the agent read it
 * (the config check refuses a key file readable by group or others). Relative paths are
 * relative to the config file.
 */
export const ClientConfig = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  /** Display name, as the tech knows the client (`Ignition Gateway`). */
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** The client's platform (a vendor id such as `ignition`, `rockwell`): what its screens show. */
  vendor: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 32 })),
  /** The URL exactly as the client has it configured (host name, port, path). */
  url: Type.String({ pattern: '^opc\\.tcp://', maxLength: 512 }),
  securityPolicy: ClientSecurityPolicy,
  securityMode: Type.Union([Type.Literal('None'), Type.Literal('Sign'), Type.Literal('SignAndEncrypt')]),
  userTokenType: Type.Union([
    Type.Literal('Anonymous'),
    Type.Literal('UserName'),
    Type.Literal('Certificate'),
  ]),
  certificate: Type.String({ minLength: 1, maxLength: 1024 }),
  privateKey: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
});
export type ClientConfig = Type.Static<typeof ClientConfig>;

/**
 * A server's event log the agent may read for rejected client certificates (issue 17): the
 * Kepware Configuration API (`GET /config/v1/event_log`, HTTP Basic against Kepware's User
 * Manager). `url` is the API's base, e.g. `http://127.0.0.1:57412`; the password is read from
 * `passwordFile` (refused when group or others may read it), never written in this file.
 */
export const EventLogConfig = Type.Object(
  {
    kind: Type.Literal('kepware-config-api'),
    url: Type.String({ pattern: '^https?://[^/@\\s]+(/[^@\\s]*)?$', maxLength: 512 }),
    user: Type.String({ minLength: 1, maxLength: 128 }),
    passwordFile: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type EventLogConfig = Type.Static<typeof EventLogConfig>;

export const EndpointConfig = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  url: Type.String({ pattern: '^opc\\.tcp://', maxLength: 512 }),
  security: Type.Optional(SecurityChoice),
  /** Allow SecurityMode None even when a secure endpoint exists (reported as a finding). */
  allowSecurityNone: Type.Optional(Type.Boolean()),
  user: Type.Optional(Type.String({ minLength: 1 })),
  password: Type.Optional(Type.String()),
  /** Trust the server certificate seen on first contact (off by default). */
  trustOnFirstUse: Type.Optional(Type.Boolean()),
  /** Snapshot roots: node ids (`ns=2;s=Channel1`) or browse paths (`/Objects/2:Channel1`). */
  snapshotRoots: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** Node budget of a snapshot (default 50,000); widen or narrow what the default roots take. */
  snapshotMaxNodes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  /** Vendor health signals to read: a site's own, before (or, with `defaults: false`, instead of) the profiles'. */
  health: Type.Optional(
    Type.Object({
      signals: Type.Optional(Type.Array(HealthSignalConfig, { maxItems: 32 })),
      defaults: Type.Optional(Type.Boolean()),
    }),
  ),
  /**
   * Snapshot rules before the defaults, e.g. `include:readonly:Channel1/**\/Recipe/**` or
   * `volatile:**\/Counters/**` (docs/snapshots.md; `cellfleet-agent snapshot --show-rules`).
   */
  snapshotRules: Type.Optional(
    Type.Array(Type.String({ pattern: '^(include|exclude|volatile|secret):((readonly|writable):)?.+$' })),
  ),
  /** The cell's own OPC UA clients, probed as each is configured (issue 17). */
  clients: Type.Optional(Type.Array(ClientConfig, { maxItems: 16 })),
  /**
   * The folder where the server keeps the client certificates it rejected, when it runs on this
   * machine (node-opcua and Ignition: `…/pki/rejected`); the agent reports what lands there.
   */
  rejectedCertificatesDir: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  /** The server's event log, read for rejected client certificates (the Kepware Configuration API). */
  eventLog: Type.Optional(EventLogConfig),
});
export type EndpointConfig = Type.Static<typeof EndpointConfig>;

export const ActionKey = Type.Object({
  keyId: Type.String({ minLength: 1, maxLength: 128 }),
  publicKeyPem: Type.String({ pattern: '-----BEGIN PUBLIC KEY-----' }),
});
export type ActionKey = Type.Static<typeof ActionKey>;

export const MaintenanceScript = Type.Object({
  /** Absolute path of the program; run without a shell. */
  command: Type.String({ pattern: '^/' }),
  /** Fixed arguments: the hub can name a script, never change what it runs. */
  args: Type.Optional(Type.Array(Type.String())),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 3_600_000 })),
});
export type MaintenanceScript = Type.Static<typeof MaintenanceScript>;

export const AgentConfigSchema = Type.Object({
  identity: Identity,
  hub: Type.Object({
    url: Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://' }),
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1 }),
    /** PEM file of the CA that signed the broker certificate (mqtts/wss). */
    caFile: Type.Optional(Type.String()),
    /** Seconds; the broker declares the agent dead after 1.5 × this (MQTT 3.1.1 §3.1.2.10). */
    keepaliveSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    /**
     * The hub's Ed25519 action-signing keys, pinned at enrollment. An action must verify
     * against one of them. A list, so a key rotation can pin the next key before it signs.
     */
    actionKeys: Type.Optional(Type.Array(ActionKey, { maxItems: 8 })),
    /**
     * The hub's HTTP(S) API, where the agent enrolled with a token and fetches signed builds for
     * upgrade-agent; the certificate is checked as at enrollment (a SHA-256 pin or a CA file).
     */
    api: Type.Optional(
      Type.Object({
        url: Type.String({ pattern: '^https?://', maxLength: 512 }),
        fingerprint: Type.Optional(Type.String({ maxLength: 128 })),
        caFile: Type.Optional(Type.String()),
      }),
    ),
  }),
  endpoints: Type.Array(EndpointConfig, { minItems: 1, maxItems: 64 }),
  probe: Type.Optional(
    Type.Object({
      intervalMs: Type.Optional(Type.Integer({ minimum: 1000 })),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600000 })),
    }),
  ),
  outbox: Type.Optional(
    Type.Object({
      maxMessages: Type.Optional(Type.Integer({ minimum: 10 })),
      maxBytes: Type.Optional(Type.Integer({ minimum: 65536 })),
      maxAgeMs: Type.Optional(Type.Integer({ minimum: 60000 })),
    }),
  ),
  /** Local controls for hub actions. */
  maintenance: Type.Optional(
    Type.Object({
      /** The allowlist for `run-maintenance-script`: name → program and fixed arguments. */
      scripts: Type.Optional(
        Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), MaintenanceScript),
      ),
      /** While this file exists the cell is locked (e.g. the line is running): actions are deferred. */
      lockFile: Type.Optional(Type.String({ minLength: 1 })),
    }),
  ),
  /** Where the outbox, ledger and PKI live; relative paths are relative to the config file. */
  dataDir: Type.Optional(Type.String({ minLength: 1 })),
  logLevel: Type.Optional(
    Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  ),
  /** JSON or human log lines, and an optional rotating log file (same keys as the hub's `log`). */
  log: Type.Optional(LogConfig),
  /** Serve the agent's own Prometheus metrics on 127.0.0.1:port (off unless set; 0 picks a port). */
  metrics: Type.Optional(
    Type.Object({ port: Type.Integer({ minimum: 0, maximum: 65535 }) }, { additionalProperties: false }),
  ),
});
export type AgentConfig = Type.Static<typeof AgentConfigSchema>;
