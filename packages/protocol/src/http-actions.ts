// HTTP DTOs for actions, maintenance windows, auth and audit (issue 5).
import Type from 'typebox';
import { CELL_ID_PATTERN } from './envelope.ts';
import { SEGMENT_PATTERN } from './ids.ts';
import {
  ActionId,
  ActionOutcome,
  ActionResultBody,
  ApprovalRecord,
  TimeRange,
  TypedParams,
} from './messages/action.ts';

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Millis = Type.Integer({ minimum: 0 });
const CellIdString = Type.String({ pattern: CELL_ID_PATTERN });
export const USER_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';
const UserName = Type.String({ pattern: USER_NAME_PATTERN });

// ── maintenance windows ────────────────────────────────────────────────────────────────────
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, 24 h' });
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/Berlin' });

/**
 * Recurring windows are local wall-clock times in an IANA zone; an end at or before the start
 * means the window runs past midnight. Explicit windows are absolute instants.
 */
export const WindowSpec = Type.Union([
  Type.Object({ kind: Type.Literal('daily'), start: ClockTime, end: ClockTime, timeZone: TimeZone }),
  Type.Object({
    kind: Type.Literal('weekly'),
    /** ISO weekdays the window opens on: 1 = Monday … 7 = Sunday. */
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7 }),
    start: ClockTime,
    end: ClockTime,
    timeZone: TimeZone,
  }),
  Type.Object({ kind: Type.Literal('explicit'), start: Millis, end: Millis }),
]);
export type WindowSpec = Type.Static<typeof WindowSpec>;

export const MaintenanceWindowInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  site: Type.String({ pattern: SEGMENT_PATTERN }),
  /** Omitted: the window applies to every line of the site without its own window. */
  line: Type.Optional(Type.String({ pattern: SEGMENT_PATTERN })),
  spec: WindowSpec,
});
export type MaintenanceWindowInput = Type.Static<typeof MaintenanceWindowInput>;

export const MaintenanceWindow = Type.Object({
  id: Type.String(),
  name: Type.String(),
  site: Type.String(),
  line: Nullable(Type.String()),
  spec: WindowSpec,
  createdBy: Type.String(),
  createdAt: Millis,
});
export type MaintenanceWindow = Type.Static<typeof MaintenanceWindow>;

// ── actions ────────────────────────────────────────────────────────────────────────────────
/** Which window an action runs in: a named window, explicit times, or (omitted) the cell's own. */
export const WindowChoice = Type.Union([
  Type.Object({ windowId: Type.String({ minLength: 1, maxLength: 64 }) }),
  Type.Object({ start: Millis, end: Millis }),
]);
export type WindowChoice = Type.Static<typeof WindowChoice>;

export const ProposeActionRequest = Type.Intersect([
  TypedParams,
  Type.Object({
    cells: Type.Array(CellIdString, { minItems: 1, maxItems: 200, uniqueItems: true }),
    reason: Type.String({ minLength: 3, maxLength: 2000 }),
    window: Type.Optional(WindowChoice),
    /** Staged rollout: this cell first, the others only after it verified. */
    canary: Type.Optional(CellIdString),
  }),
]);
export type ProposeActionRequest = Type.Static<typeof ProposeActionRequest>;

export const ACTION_STATES = [
  'proposed',
  'approved',
  'rejected',
  'scheduled',
  'dispatched',
  'completed',
  'stopped',
  'cancelled',
  'expired',
] as const;
export type ActionState = (typeof ACTION_STATES)[number];
export const ActionStateSchema = Type.Union([
  Type.Literal('proposed'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('scheduled'),
  Type.Literal('dispatched'),
  Type.Literal('completed'),
  Type.Literal('stopped'),
  Type.Literal('cancelled'),
  Type.Literal('expired'),
]);

export const RUN_STATES = ['pending', 'dispatched', 'deferred', 'skipped', 'expired', 'done'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const RunStateSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('dispatched'),
  Type.Literal('deferred'),
  Type.Literal('skipped'),
  Type.Literal('expired'),
  Type.Literal('done'),
]);

export const CellRunView = Type.Object({
  cell: Type.String(),
  state: RunStateSchema,
  window: Nullable(TimeRange),
  attempts: Type.Integer({ minimum: 0 }),
  dispatchedAt: Nullable(Millis),
  nextAttemptAt: Nullable(Millis),
  outcome: Nullable(ActionOutcome),
  result: Nullable(ActionResultBody),
  note: Nullable(Type.String()),
});
export type CellRunView = Type.Static<typeof CellRunView>;

const Decision = Type.Object({ by: Type.String(), at: Millis, reason: Type.String() });

export const ActionView = Type.Intersect([
  TypedParams,
  Type.Object({
    id: ActionId,
    state: ActionStateSchema,
    reason: Type.String(),
    proposedBy: Type.String(),
    createdAt: Millis,
    requiredApprovals: Type.Integer({ minimum: 0 }),
    approvals: Type.Array(ApprovalRecord),
    rejection: Nullable(Decision),
    cancellation: Nullable(Decision),
    window: Nullable(WindowChoice),
    canary: Nullable(Type.String()),
    stopReason: Nullable(Type.String()),
    runs: Type.Array(CellRunView),
  }),
]);
export type ActionView = Type.Static<typeof ActionView>;

export const ListActionsQuery = Type.Object({
  state: Type.Optional(ActionStateSchema),
  cell: Type.Optional(CellIdString),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type ListActionsQuery = Type.Static<typeof ListActionsQuery>;

export const ApproveRequest = Type.Object({ comment: Type.Optional(Type.String({ maxLength: 2000 })) });
export const ReasonRequest = Type.Object({ reason: Type.String({ minLength: 3, maxLength: 2000 }) });
export const IdParams = Type.Object({ id: ActionId });

// ── auth ───────────────────────────────────────────────────────────────────────────────────
export const ROLES = ['viewer', 'engineer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Union([
  Type.Literal('viewer'),
  Type.Literal('engineer'),
  Type.Literal('approver'),
  Type.Literal('admin'),
]);

export const LoginRequest = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type LoginRequest = Type.Static<typeof LoginRequest>;

export const UserView = Type.Object({
  name: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  createdAt: Millis,
});
export type UserView = Type.Static<typeof UserView>;

export const LoginResponse = Type.Object({ token: Type.String(), expiresAt: Millis, user: UserView });
export type LoginResponse = Type.Static<typeof LoginResponse>;

export const CreateUserRequest = Type.Object({ name: UserName, role: RoleSchema });
export type CreateUserRequest = Type.Static<typeof CreateUserRequest>;

/** The generated password and API token are shown here once and never again. */
export const CreateUserResponse = Type.Object({
  user: UserView,
  password: Type.String(),
  token: Type.String(),
});
export type CreateUserResponse = Type.Static<typeof CreateUserResponse>;

export const UpdateUserRequest = Type.Object({
  role: Type.Optional(RoleSchema),
  disabled: Type.Optional(Type.Boolean()),
});
export type UpdateUserRequest = Type.Static<typeof UpdateUserRequest>;

// ── audit ──────────────────────────────────────────────────────────────────────────────────
export const AuditEntryView = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  at: Millis,
  actor: Type.String(),
  event: Type.String(),
  subject: Type.String(),
  data: Type.Unknown(),
  prevHash: Type.String(),
  hash: Type.String(),
});
export type AuditEntryView = Type.Static<typeof AuditEntryView>;

export const AuditQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  subject: Type.Optional(Type.String({ maxLength: 128 })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jsonl'), Type.Literal('csv')])),
});
export type AuditQuery = Type.Static<typeof AuditQuery>;

export const AuditVerifyResponse = Type.Object({
  ok: Type.Boolean(),
  count: Type.Integer({ minimum: 0 }),
  head: Type.String(),
  problem: Type.Optional(Type.Object({ seq: Type.Integer(), reason: Type.String() })),
});
export type AuditVerifyResponse = Type.Static<typeof AuditVerifyResponse>;

// ── signing keys ───────────────────────────────────────────────────────────────────────────
/** A hub signing key as agents pin it: `active` signs; `next` is staged; `retired` signed before. */
export const HubKeyView = Type.Object({
  keyId: Type.String(),
  publicKeyPem: Type.String(),
  state: Type.Union([Type.Literal('next'), Type.Literal('active'), Type.Literal('retired')]),
  createdAt: Millis,
});
export type HubKeyView = Type.Static<typeof HubKeyView>;

/**
 * POST /api/cells/:id/proposals: a write-parameters action built from snapshot data, either
 * "align with the sister baseline" or "restore from snapshot `hash`".
 */
export const ProposeFromSnapshotsRequest = Type.Object({
  mode: Type.Union([Type.Literal('align'), Type.Literal('restore')]),
  endpoint: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  /** restore: the snapshot to restore (a full hash or a unique prefix). */
  hash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{6,64}$' })),
  /** Only these snapshot keys (default: every difference that can be written). */
  keys: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 500 })),
  reason: Type.String({ minLength: 3, maxLength: 2000 }),
  window: Type.Optional(WindowChoice),
});
export type ProposeFromSnapshotsRequest = Type.Static<typeof ProposeFromSnapshotsRequest>;

export const ProposeFromSnapshotsResponse = Type.Object({
  action: ActionView,
  /** Differences left out, each with the reason (read-only node, secret, missing node, tie…). */
  skipped: Type.Array(Type.Object({ key: Type.String(), reason: Type.String() })),
});
export type ProposeFromSnapshotsResponse = Type.Static<typeof ProposeFromSnapshotsResponse>;
