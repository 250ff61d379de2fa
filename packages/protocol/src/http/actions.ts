// HTTP DTOs for maintenance-window actions (issue 5), and their routes.
import Type from 'typebox';
import { SEGMENT_PATTERN } from '../ids.ts';
import {
  ActionId,
  ActionOutcome,
  ActionResultBody,
  ApprovalRecord,
  TimeRange,
  TypedParams,
} from '../messages/action.ts';
import { CellIdString, ErrorBody, Millis, Nullable, StringEnum } from './common.ts';
import { defineRoutes } from './route.ts';

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
export const ActionStateSchema = StringEnum(ACTION_STATES);

export const RUN_STATES = ['pending', 'dispatched', 'deferred', 'skipped', 'expired', 'done'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const RunStateSchema = StringEnum(RUN_STATES);

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

/**
 * POST /api/cells/:id/proposals: a write-parameters action built from snapshot data, either
 * "align with the sister baseline" or "restore from snapshot `hash`".
 */
export const ProposeFromSnapshotsRequest = Type.Object({
  mode: StringEnum(['align', 'restore']),
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

const ACTION_ERRORS = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};
const WindowParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const tags = ['actions'];

// Action decisions check the caller's role in the service, not before it, so that a refused
// approval (wrong role, own action) is written to the audit log too.
export const ACTION_ROUTES = defineRoutes({
  proposeAction: {
    method: 'POST',
    path: '/api/actions',
    summary: 'Propose an action (engineer)',
    tags,
    role: 'engineer',
    roleCheck: 'service',
    audited: true,
    body: ProposeActionRequest,
    responses: { 201: ActionView, ...ACTION_ERRORS },
  },
  listActions: {
    method: 'GET',
    path: '/api/actions',
    summary: 'Actions, newest first',
    tags,
    role: 'viewer',
    audited: false,
    query: ListActionsQuery,
    responses: { 200: Type.Array(ActionView), ...ACTION_ERRORS },
  },
  getAction: {
    method: 'GET',
    path: '/api/actions/:id',
    summary: 'One action with its runs',
    tags,
    role: 'viewer',
    audited: false,
    params: IdParams,
    responses: { 200: ActionView, ...ACTION_ERRORS },
  },
  approveAction: {
    method: 'POST',
    path: '/api/actions/:id/approve',
    summary: 'Approve (approver; never the proposer)',
    tags,
    role: 'approver',
    roleCheck: 'service',
    audited: true,
    params: IdParams,
    body: ApproveRequest,
    responses: { 200: ActionView, ...ACTION_ERRORS },
  },
  rejectAction: {
    method: 'POST',
    path: '/api/actions/:id/reject',
    summary: 'Reject (approver)',
    tags,
    role: 'approver',
    roleCheck: 'service',
    audited: true,
    params: IdParams,
    body: ReasonRequest,
    responses: { 200: ActionView, ...ACTION_ERRORS },
  },
  cancelAction: {
    method: 'POST',
    path: '/api/actions/:id/cancel',
    summary: 'Cancel before dispatch (its proposer, or an approver)',
    tags,
    role: 'engineer',
    roleCheck: 'service',
    audited: true,
    params: IdParams,
    body: ReasonRequest,
    responses: { 200: ActionView, ...ACTION_ERRORS },
  },
  proposeFromSnapshots: {
    method: 'POST',
    path: '/api/cells/:id/proposals',
    summary: 'Propose writes that align a cell with its sister baseline, or restore one of its snapshots',
    tags,
    role: 'engineer',
    roleCheck: 'service',
    audited: true,
    params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
    body: ProposeFromSnapshotsRequest,
    responses: { 201: ProposeFromSnapshotsResponse, ...ACTION_ERRORS },
  },
  listWindows: {
    method: 'GET',
    path: '/api/windows',
    summary: 'Maintenance windows',
    tags: ['windows'],
    role: 'viewer',
    audited: false,
    responses: { 200: Type.Array(MaintenanceWindow), ...ACTION_ERRORS },
  },
  getWindow: {
    method: 'GET',
    path: '/api/windows/:id',
    summary: 'One maintenance window',
    tags: ['windows'],
    role: 'viewer',
    audited: false,
    params: WindowParams,
    responses: { 200: MaintenanceWindow, ...ACTION_ERRORS },
  },
  createWindow: {
    method: 'POST',
    path: '/api/windows',
    summary: 'Create a maintenance window (approver)',
    tags: ['windows'],
    role: 'approver',
    audited: true,
    body: MaintenanceWindowInput,
    responses: { 201: MaintenanceWindow, ...ACTION_ERRORS },
  },
  updateWindow: {
    method: 'PUT',
    path: '/api/windows/:id',
    summary: 'Change a maintenance window (approver)',
    tags: ['windows'],
    role: 'approver',
    audited: true,
    params: WindowParams,
    body: MaintenanceWindowInput,
    responses: { 200: MaintenanceWindow, ...ACTION_ERRORS },
  },
  deleteWindow: {
    method: 'DELETE',
    path: '/api/windows/:id',
    summary: 'Delete a maintenance window (approver)',
    tags: ['windows'],
    role: 'approver',
    audited: true,
    params: WindowParams,
    responses: { 204: Type.Null(), ...ACTION_ERRORS },
  },
});
