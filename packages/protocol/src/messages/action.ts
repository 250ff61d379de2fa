// Maintenance-window actions (issue 5): the hub's signed dispatch (`action`, hub → agent on
// `cmd`) and the agent's report (`action-result`, agent → hub on `result`).
// Actions are typed, never free-form shell: each type has its own parameter schema.
import Type from 'typebox';
import { CELL_ID_PATTERN } from '../ids.ts';

export const ACTION_ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$';
export const ActionId = Type.String({ pattern: ACTION_ID_PATTERN });
const EndpointName = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const UserName = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' });
const Millis = Type.Integer({ minimum: 0 });

/** A value written to or read from an OPC UA variable: a scalar, or an array of scalars. */
const Scalar = Type.Union([Type.String({ maxLength: 4096 }), Type.Number(), Type.Boolean()]);
export const NodeValue = Type.Union([Scalar, Type.Null(), Type.Array(Scalar, { maxItems: 1024 })]);
export type NodeValue = Type.Static<typeof NodeValue>;

/** Read-only: walk the probe ladder now on one endpoint, or on all when omitted. */
export const ProbeNowParams = Type.Object({ endpoint: Type.Optional(EndpointName) });
export const SnapshotNowParams = Type.Object({ endpoint: Type.Optional(EndpointName) });

/** Where the values of a write came from: the two UI creation modes, or typed in by hand. */
export const WriteSource = Type.Union([
  Type.Object({ kind: Type.Literal('snapshot'), snapshotId: Type.String({ minLength: 1, maxLength: 128 }) }),
  Type.Object({
    kind: Type.Literal('sister-baseline'),
    sisterGroup: Type.String({ minLength: 1, maxLength: 64 }),
  }),
  Type.Object({ kind: Type.Literal('manual') }),
]);
export type WriteSource = Type.Static<typeof WriteSource>;

export const ParameterWrite = Type.Object({
  /** Snapshot key: browse path qualified with namespace URIs (stable across installs). */
  path: Type.String({ minLength: 1, maxLength: 1024 }),
  /** Optional node id resolved at proposal time; the agent re-resolves `path` when absent. */
  nodeId: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  dataType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  value: NodeValue,
  /** The value the hub last saw; informative for the reviewer, not a precondition. */
  previous: Type.Optional(NodeValue),
});
export type ParameterWrite = Type.Static<typeof ParameterWrite>;

export const WriteParametersParams = Type.Object({
  endpoint: EndpointName,
  source: WriteSource,
  writes: Type.Array(ParameterWrite, { minItems: 1, maxItems: 500 }),
});

export const TrustServerCertificateParams = Type.Object({
  endpoint: EndpointName,
  /** SHA-1 (40 hex, what UA tools display) or SHA-256 (64 hex) thumbprint, lower case. */
  thumbprint: Type.String({ pattern: '^([0-9a-f]{40}|[0-9a-f]{64})$' }),
});

export const RenewAgentCertificateParams = Type.Object({
  validityDays: Type.Integer({ minimum: 1, maximum: 3650 }),
});

/**
 * A signed agent build the hub serves (issue 14, item 6): the agent downloads it from the hub's
 * API, checks its size, SHA-256 and the Ed25519 signature over `agentBuildPayload(sha256,
 * version)` with a pinned key, tries it, then swaps it in and restarts under its service manager.
 */
export const UpgradeAgentParams = Type.Object({
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  version: Type.String({ pattern: '^[0-9A-Za-z.+_-]{1,64}$' }),
  size: Type.Integer({ minimum: 1, maximum: 512 * 1024 * 1024 }),
  signature: Type.String({ minLength: 1, maxLength: 256 }),
  keyId: Type.String({ minLength: 1, maxLength: 128 }),
});

/** The name picks a script from the agent's local allowlist, which also fixes its arguments. */
export const RunMaintenanceScriptParams = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }),
});

export const ACTION_PARAMS = {
  'probe-now': ProbeNowParams,
  'snapshot-now': SnapshotNowParams,
  'write-parameters': WriteParametersParams,
  'trust-server-certificate': TrustServerCertificateParams,
  'renew-agent-certificate': RenewAgentCertificateParams,
  'run-maintenance-script': RunMaintenanceScriptParams,
  'upgrade-agent': UpgradeAgentParams,
} as const;
export type ActionType = keyof typeof ACTION_PARAMS;
export type ActionParamsOf<T extends ActionType> = Type.Static<(typeof ACTION_PARAMS)[T]>;
export const ACTION_TYPES = Object.keys(ACTION_PARAMS) as ActionType[];

/** `{ type, params }` pairs, one per action type, so the params are checked against their type. */
export const TypedParams = Type.Union([
  Type.Object({ type: Type.Literal('probe-now'), params: ProbeNowParams }),
  Type.Object({ type: Type.Literal('snapshot-now'), params: SnapshotNowParams }),
  Type.Object({ type: Type.Literal('write-parameters'), params: WriteParametersParams }),
  Type.Object({ type: Type.Literal('trust-server-certificate'), params: TrustServerCertificateParams }),
  Type.Object({ type: Type.Literal('renew-agent-certificate'), params: RenewAgentCertificateParams }),
  Type.Object({ type: Type.Literal('run-maintenance-script'), params: RunMaintenanceScriptParams }),
  Type.Object({ type: Type.Literal('upgrade-agent'), params: UpgradeAgentParams }),
]);
export type TypedParams = Type.Static<typeof TypedParams>;

export const ApprovalRecord = Type.Object({
  by: UserName,
  role: Type.Union([Type.Literal('approver'), Type.Literal('admin')]),
  at: Millis,
});
export type ApprovalRecord = Type.Static<typeof ApprovalRecord>;

export const TimeRange = Type.Object({ start: Millis, end: Millis });
export type TimeRange = Type.Static<typeof TimeRange>;

/** Everything the signature covers (see `signingPayload` in @cellfleet/core). */
const SignedFields = {
  id: ActionId,
  cell: Type.String({ pattern: CELL_ID_PATTERN }),
  window: TimeRange,
  expiresAt: Millis,
  issuedAt: Millis,
  proposedBy: UserName,
  requiredApprovals: Type.Integer({ minimum: 0, maximum: 10 }),
  approvals: Type.Array(ApprovalRecord, { maxItems: 10 }),
};

export const SignedAction = Type.Union([
  Type.Object({ ...SignedFields, type: Type.Literal('probe-now'), params: ProbeNowParams }),
  Type.Object({ ...SignedFields, type: Type.Literal('snapshot-now'), params: SnapshotNowParams }),
  Type.Object({ ...SignedFields, type: Type.Literal('write-parameters'), params: WriteParametersParams }),
  Type.Object({
    ...SignedFields,
    type: Type.Literal('trust-server-certificate'),
    params: TrustServerCertificateParams,
  }),
  Type.Object({
    ...SignedFields,
    type: Type.Literal('renew-agent-certificate'),
    params: RenewAgentCertificateParams,
  }),
  Type.Object({
    ...SignedFields,
    type: Type.Literal('run-maintenance-script'),
    params: RunMaintenanceScriptParams,
  }),
  Type.Object({ ...SignedFields, type: Type.Literal('upgrade-agent'), params: UpgradeAgentParams }),
]);
export type SignedAction = Type.Static<typeof SignedAction>;

export const ActionBody = Type.Object({
  action: SignedAction,
  /** Ed25519 signature over `signingPayload(action)`, base64. */
  signature: Type.String({ minLength: 1, maxLength: 256 }),
  /** Which hub key signed; agents look it up among their pinned keys. */
  keyId: Type.String({ minLength: 1, maxLength: 128 }),
});
export type ActionBody = Type.Static<typeof ActionBody>;

export const ACTION_OUTCOMES = [
  'succeeded',
  'rolled-back',
  'failed',
  'refused',
  'expired',
  'deferred',
] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];
export const ActionOutcome = Type.Union([
  Type.Literal('succeeded'),
  Type.Literal('rolled-back'),
  Type.Literal('failed'),
  Type.Literal('refused'),
  Type.Literal('expired'),
  Type.Literal('deferred'),
]);

/** One written variable: what it was before, what was asked, what it read back after. */
export const ValueChange = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 1024 }),
  before: NodeValue,
  requested: Type.Optional(NodeValue),
  after: NodeValue,
});
export type ValueChange = Type.Static<typeof ValueChange>;

export const ActionResultBody = Type.Object({
  actionId: ActionId,
  outcome: ActionOutcome,
  /** Stable kebab-case code for refusals and failures, e.g. `bad-signature`, `cell-locked`. */
  reason: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 })),
  detail: Type.Optional(Type.String({ maxLength: 4096 })),
  startedAt: Type.Optional(Millis),
  finishedAt: Type.Optional(Millis),
  /** write-parameters: before/after per variable (after rollback when rolled back). */
  changes: Type.Optional(Type.Array(ValueChange, { maxItems: 500 })),
  /** renew-agent-certificate: the new certificate's thumbprint, for trusting it on the server. */
  thumbprint: Type.Optional(Type.String({ maxLength: 64 })),
  /** deferred: when the agent expects its local lock to be released. */
  retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  /**
   * SHA-256 (hex) of `envelopeDigestInput(body)` (@cellfleet/core) for the `action` envelope
   * this result answers, admitted or refused (issue 12 finding 4). The hub settles a run only
   * with a digest it sent; a refusal of an envelope it never signed is a security incident.
   * Optional: agents from before it omit it, and their results settle runs as before.
   */
  envelopeDigest: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
});
export type ActionResultBody = Type.Static<typeof ActionResultBody>;
