// HTTP DTOs for snapshots, drift and the sister comparison, and their routes. The shapes
// mirror @cellfleet/core's (Comparison, SnapshotDiff, …), which the hub returns as they are;
// a route's handler only compiles if core's value fits the schema declared here.
import Type from 'typebox';
import { PinGoldenRequest, SnapshotStatusSchema } from '../messages/snapshot.ts';
import { ErrorBody, JsonValue, Millis, StringEnum } from './common.ts';
import { defineRoutes } from './route.ts';

/** Per sister group: keys to ignore and numeric tolerances for the comparison. */
export const GroupRules = Type.Object({
  ignore: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 500 })),
  tolerances: Type.Optional(
    Type.Array(
      Type.Object({
        match: Type.String({ minLength: 1, maxLength: 512 }),
        abs: Type.Optional(Type.Number({ minimum: 0 })),
        rel: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
      }),
      { maxItems: 500 },
    ),
  ),
  expiryWarningDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
});
export type GroupRules = Type.Static<typeof GroupRules>;

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const StoredVersionView = Type.Object({
  id: Type.Integer(),
  cell: Type.String(),
  endpoint: Type.String(),
  hash: Hash,
  takenAt: Millis,
  receivedAt: Millis,
  /** Last time the agent reported this same content. */
  lastSeenAt: Millis,
  status: SnapshotStatusSchema,
});
export type StoredVersionView = Type.Static<typeof StoredVersionView>;

export const EntryChangeView = Type.Object({
  key: Type.String(),
  label: Type.String(),
  kind: StringEnum(['added', 'removed', 'changed']),
  from: Type.Optional(JsonValue),
  to: Type.Optional(JsonValue),
});
export type EntryChangeView = Type.Static<typeof EntryChangeView>;

export const SnapshotDiffView = Type.Object({
  added: Type.Array(EntryChangeView),
  removed: Type.Array(EntryChangeView),
  changed: Type.Array(EntryChangeView),
});
export type SnapshotDiffView = Type.Static<typeof SnapshotDiffView>;

export const VersionDiffView = Type.Object({
  from: StoredVersionView,
  to: StoredVersionView,
  diff: SnapshotDiffView,
});
export type VersionDiffView = Type.Static<typeof VersionDiffView>;

export const DriftEventView = Type.Object({
  id: Type.Integer(),
  cell: Type.String(),
  endpoint: Type.String(),
  at: Millis,
  fromHash: Hash,
  toHash: Hash,
  text: Type.String(),
  changes: Type.Array(EntryChangeView),
});
export type DriftEventView = Type.Static<typeof DriftEventView>;

export const SnapshotView = Type.Object({
  version: StoredVersionView,
  snapshot: Type.Object({
    format: Type.Literal(1),
    endpoint: Type.String(),
    takenAt: Millis,
    status: SnapshotStatusSchema,
    entries: Type.Record(Type.String(), JsonValue),
  }),
});
export type SnapshotView = Type.Static<typeof SnapshotView>;

export const GoldenPinView = Type.Object({
  group: Type.String(),
  endpoint: Type.String(),
  cell: Type.String(),
  hash: Hash,
  pinnedAt: Millis,
});
export type GoldenPinView = Type.Static<typeof GoldenPinView>;

const Outlier = Type.Object({ cell: Type.String(), value: Type.Optional(JsonValue), text: Type.String() });
const BaselineSource = StringEnum(['majority', 'golden']);

export const ComparisonRowView = Type.Object({
  key: Type.String(),
  label: Type.String(),
  status: StringEnum(['outliers', 'tie']),
  /** Absent when the baseline is "key missing", and on ties. */
  baseline: Type.Optional(JsonValue),
  baselineSource: BaselineSource,
  agreeing: Type.Integer({ minimum: 0 }),
  outliers: Type.Array(Outlier),
  tie: Type.Optional(
    Type.Array(Type.Object({ value: Type.Optional(JsonValue), cells: Type.Array(Type.String()) })),
  ),
  text: Type.String(),
});
export type ComparisonRowView = Type.Static<typeof ComparisonRowView>;

export const CertificateRowView = Type.Object({
  cell: Type.String(),
  notAfter: Type.Optional(Type.String()),
  daysLeft: Type.Optional(Type.Number()),
  state: StringEnum(['ok', 'expiring', 'expired', 'unknown']),
  text: Type.String(),
});

/** The sister comparison of one group (core/compare): a row per key where sisters differ. */
export const ComparisonView = Type.Object({
  group: Type.String(),
  generatedAt: Millis,
  baselineSource: BaselineSource,
  golden: Type.Optional(Type.Object({ cell: Type.String(), hash: Type.String() })),
  cells: Type.Array(
    Type.Object({
      cell: Type.String(),
      hash: Type.Optional(Type.String()),
      takenAt: Type.Optional(Millis),
      outliers: Type.Integer({ minimum: 0 }),
    }),
  ),
  keysCompared: Type.Integer({ minimum: 0 }),
  keysIdentical: Type.Integer({ minimum: 0 }),
  keysIgnored: Type.Integer({ minimum: 0 }),
  rows: Type.Array(ComparisonRowView),
  certificates: Type.Array(CertificateRowView),
  summary: Type.Array(Type.String()),
});
export type ComparisonView = Type.Static<typeof ComparisonView>;

const GroupParams = Type.Object({ group: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
const CellParams = Type.Object({ id: Type.String({ maxLength: 200 }) });
const Endpoint = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

export const SNAPSHOT_ROUTES = defineRoutes({
  getComparison: {
    method: 'GET',
    path: '/api/groups/:group/comparison',
    summary: 'The sister comparison of a group; format=html|csv|md downloads a report',
    tags: ['snapshots'],
    role: 'viewer',
    audited: false,
    params: GroupParams,
    query: Type.Object({
      format: Type.Optional(StringEnum(['json', 'html', 'csv', 'md'])),
      endpoint: Type.Optional(Endpoint),
    }),
    responses: { 200: ComparisonView },
    produces: ['text/html', 'text/csv', 'text/markdown'],
  },
  getGroupRules: {
    method: 'GET',
    path: '/api/groups/:group/rules',
    summary: 'Comparison rules of a sister group',
    tags: ['snapshots'],
    role: 'viewer',
    audited: false,
    params: GroupParams,
    responses: { 200: GroupRules },
  },
  putGroupRules: {
    method: 'PUT',
    path: '/api/groups/:group/rules',
    summary: 'Replace the comparison rules of a sister group (engineer)',
    tags: ['snapshots'],
    role: 'engineer',
    audited: true,
    params: GroupParams,
    body: GroupRules,
    responses: { 200: GroupRules },
  },
  pinGolden: {
    method: 'POST',
    path: '/api/groups/:group/golden',
    summary: "Pin a cell's snapshot as the group's baseline (engineer; the cell must be in the group)",
    tags: ['snapshots'],
    role: 'engineer',
    audited: true,
    params: GroupParams,
    body: PinGoldenRequest,
    responses: { 200: GoldenPinView, 404: ErrorBody, 409: ErrorBody },
  },
  listSnapshots: {
    method: 'GET',
    path: '/api/cells/:id/snapshots',
    summary: "The cell's configuration history, oldest first",
    tags: ['snapshots'],
    role: 'viewer',
    audited: false,
    params: CellParams,
    query: Type.Object({ endpoint: Type.Optional(Endpoint) }),
    responses: { 200: Type.Object({ versions: Type.Array(StoredVersionView) }) },
  },
  getSnapshot: {
    method: 'GET',
    path: '/api/cells/:id/snapshots/:hash',
    summary: 'One snapshot of the cell (a hash, a unique prefix, or `latest`)',
    tags: ['snapshots'],
    role: 'viewer',
    audited: false,
    params: Type.Object({
      id: Type.String({ maxLength: 200 }),
      hash: Type.String({ pattern: '^([0-9a-f]{8,64}|latest)$' }),
    }),
    query: Type.Object({ endpoint: Type.Optional(Endpoint) }),
    responses: { 200: SnapshotView, 404: ErrorBody },
  },
  getDiff: {
    method: 'GET',
    path: '/api/cells/:id/diff',
    summary: 'What changed between two snapshots (default: the last change)',
    tags: ['snapshots'],
    role: 'viewer',
    audited: false,
    params: CellParams,
    query: Type.Object({
      from: Type.Optional(Type.String({ maxLength: 64 })),
      to: Type.Optional(Type.String({ maxLength: 64 })),
      endpoint: Type.Optional(Endpoint),
    }),
    responses: { 200: VersionDiffView, 404: ErrorBody },
  },
  listDrift: {
    method: 'GET',
    path: '/api/cells/:id/drift',
    summary: "The cell's drift events, newest first",
    tags: ['snapshots'],
    role: 'viewer',
    audited: false,
    params: CellParams,
    query: Type.Object({
      endpoint: Type.Optional(Endpoint),
      since: Type.Optional(Millis),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    }),
    responses: { 200: Type.Object({ events: Type.Array(DriftEventView) }) },
  },
});
