// HTTP DTOs for the fleet-wide pages of issue 16: the certificate inventory (item 3) and the
// change feed (item 4), and their routes.
import Type from 'typebox';
import { SEGMENT_PATTERN } from '../ids.ts';
import { ErrorBody, GUARDED_ERRORS, Millis, Nullable, StringEnum } from './common.ts';
import { defineRoutes } from './route.ts';

/** Whose certificate: a server's (what the agent saw), an agent's own, or a cell client's. */
export const CertificateRole = StringEnum(['server', 'agent', 'client']);
export type CertificateRole = Type.Static<typeof CertificateRole>;

/** One place a certificate is used: the cell, and the endpoint or client it was seen at. */
export const CertificateUse = Type.Object({
  cell: Type.String(),
  role: CertificateRole,
  /** The endpoint (server certificates) or the client's config name (client certificates). */
  where: Type.Optional(Type.String()),
  /** When a probe last reported it there (ms since the epoch). */
  seenAt: Millis,
});
export type CertificateUse = Type.Static<typeof CertificateUse>;

/** One certificate of the fleet, however many cells use it (deduplicated by thumbprint). */
export const CertificateRow = Type.Object({
  thumbprint: Type.String(),
  subject: Type.String(),
  /** Null while the agents that report it predate issuer reporting (agent 1.1 of issue 16). */
  issuer: Nullable(Type.String()),
  applicationUri: Type.Optional(Type.String()),
  notBefore: Type.Integer(),
  notAfter: Type.Integer(),
  /** Whole days until notAfter (negative once expired), at the time of the answer. */
  daysLeft: Type.Integer(),
  roles: Type.Array(CertificateRole),
  uses: Type.Array(CertificateUse),
});
export type CertificateRow = Type.Static<typeof CertificateRow>;

/** How many certificates expire within 30, 60 and 90 days (cumulative), and how many already have. */
export const ExpiryForecast = Type.Object({
  expired: Type.Integer({ minimum: 0 }),
  within30: Type.Integer({ minimum: 0 }),
  within60: Type.Integer({ minimum: 0 }),
  within90: Type.Integer({ minimum: 0 }),
  total: Type.Integer({ minimum: 0 }),
});
export type ExpiryForecast = Type.Static<typeof ExpiryForecast>;

export const CertificateInventory = Type.Object({
  at: Millis,
  forecast: ExpiryForecast,
  /** Soonest expiry first. */
  certificates: Type.Array(CertificateRow),
});
export type CertificateInventory = Type.Static<typeof CertificateInventory>;

export const CertificateQuery = Type.Object({
  format: Type.Optional(StringEnum(['json', 'csv'])),
  role: Type.Optional(CertificateRole),
});

export const CHANGE_KINDS = ['drift', 'version', 'certificate', 'action'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export const ChangeKindSchema = StringEnum(CHANGE_KINDS);

/** A key a drift event changed, with its values where they are short. */
export const ChangedKey = Type.Object({
  key: Type.String(),
  label: Type.String(),
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
});

/** One thing that changed somewhere in the fleet. */
export const FleetChange = Type.Object({
  /** Unique within the feed: the kind and its source's id. */
  id: Type.String(),
  at: Millis,
  kind: ChangeKindSchema,
  /** The cells it happened on (one, except for an action on several). */
  cells: Type.Array(Type.String()),
  /** The endpoint, or for an agent certificate `agent`, or a client's name. */
  where: Type.Optional(Type.String()),
  /** One line: "softwareVersion 6.16 → 6.17", "action approved: write-parameters". */
  summary: Type.String(),
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  /** drift: the first keys that changed; `more` counts the rest. */
  keys: Type.Optional(Type.Array(ChangedKey)),
  more: Type.Optional(Type.Integer({ minimum: 0 })),
  /** action: its id and the audit event (action.approved, action.result…), and who. */
  action: Type.Optional(Type.String()),
  event: Type.Optional(Type.String()),
  actor: Type.Optional(Type.String()),
});
export type FleetChange = Type.Static<typeof FleetChange>;

const DAY = 86_400_000;
export const CHANGES_MAX_RANGE_MS = 31 * DAY;

export const ChangesQuery = Type.Object({
  /** From when (ms since the epoch); default 24 h before `before` (or now). */
  since: Type.Optional(Millis),
  /** Only changes strictly before this instant: the `next` cursor of the previous page. */
  before: Type.Optional(Millis),
  kind: Type.Optional(ChangeKindSchema),
  site: Type.Optional(Type.String({ pattern: SEGMENT_PATTERN })),
  line: Type.Optional(Type.String({ pattern: SEGMENT_PATTERN })),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  /** Cells whose id contains this (case-insensitive). */
  cell: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type ChangesQuery = Type.Static<typeof ChangesQuery>;

export const ChangesView = Type.Object({
  since: Millis,
  before: Millis,
  /** Newest first. */
  items: Type.Array(FleetChange),
  /** Pass as `before` for the next (older) page; null when this page reached `since`. */
  next: Nullable(Millis),
});
export type ChangesView = Type.Static<typeof ChangesView>;

export const FLEET_ROUTES = defineRoutes({
  listCertificates: {
    method: 'GET',
    path: '/api/certificates',
    summary:
      'Every server, agent and client certificate the fleet reported, one row per thumbprint, soonest expiry first, with a 30/60/90-day forecast; format=csv downloads it',
    tags: ['fleet'],
    role: 'viewer',
    audited: false,
    query: CertificateQuery,
    responses: { 200: CertificateInventory, ...GUARDED_ERRORS },
    produces: ['text/csv'],
  },
  listChanges: {
    method: 'GET',
    path: '/api/changes',
    summary:
      'What changed across the fleet (snapshot drift, server versions, certificates, actions), newest first, a page at a time',
    tags: ['fleet'],
    role: 'viewer',
    audited: false,
    query: ChangesQuery,
    responses: { 200: ChangesView, ...GUARDED_ERRORS, 422: ErrorBody },
  },
});
