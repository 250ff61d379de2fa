// Notifications from the hub itself (issue 15), for plants without Prometheus: channels an
// admin configures (a signed webhook, Teams, Slack, email over SMTP with TLS), routes that pick
// which incidents go to which channel, the deliveries with their status, and the incidents.
import Type from 'typebox';
import { CELL_ID_PATTERN, SEGMENT_PATTERN } from '../ids.ts';
import { Severity } from '../messages/probe.ts';
import { ErrorBody, GUARDED_ERRORS, Millis, Nullable, StringEnum } from './common.ts';
import { defineRoutes } from './route.ts';

const Url = Type.String({ pattern: '^https?://', maxLength: 2048 });
const Email = Type.String({ pattern: '^[^\\s@<>]+@[^\\s@<>]+$', maxLength: 254 });
const closed = { additionalProperties: false } as const;

export const CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const WebhookChannelConfig = Type.Object(
  {
    url: Url,
    /** The HMAC-SHA256 key: the receiver checks X-Cellfleet-Signature with it. */
    secret: Type.String({ minLength: 16, maxLength: 256 }),
  },
  closed,
);
export const IncomingWebhookConfig = Type.Object({ url: Url }, closed);
export const EmailChannelConfig = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    /** `tls`: TLS from the first byte (port 465); `starttls`: upgrade required, never sent in clear. */
    tls: StringEnum(['tls', 'starttls']),
    /** PEM CA that signed the SMTP server's certificate, when it is not a public CA. */
    caFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    from: Email,
    to: Type.Array(Email, { minItems: 1, maxItems: 32 }),
  },
  closed,
);
export type EmailChannelConfig = Type.Static<typeof EmailChannelConfig>;

const ChannelName = Type.String({ minLength: 1, maxLength: 64 });
/** One channel of a kind, with that kind's settings. */
const channelOf = <K extends string, C extends Type.TSchema>(kind: K, config: C) =>
  Type.Object({ name: ChannelName, kind: Type.Literal(kind), config }, closed);

export const ChannelInput = Type.Union([
  channelOf('webhook', WebhookChannelConfig),
  channelOf('slack', IncomingWebhookConfig),
  channelOf('teams', IncomingWebhookConfig),
  channelOf('email', EmailChannelConfig),
]);
export type ChannelInput = Type.Static<typeof ChannelInput>;

const ChannelKindSchema = StringEnum(CHANNEL_KINDS);
const DeliveryStatus = StringEnum(['pending', 'sending', 'sent', 'failed']);
export type DeliveryStatus = Type.Static<typeof DeliveryStatus>;
const DeliveryKind = StringEnum(['opened', 'recovered', 'test']);
export type DeliveryKind = Type.Static<typeof DeliveryKind>;

export const DeliveryView = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  channelName: Type.String(),
  incidentId: Nullable(Type.String()),
  kind: DeliveryKind,
  subject: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Nullable(Type.String()),
  createdAt: Millis,
  nextAt: Millis,
  sentAt: Nullable(Millis),
});
export type DeliveryView = Type.Static<typeof DeliveryView>;

/** A channel as the API shows it: never its secret, password or full webhook URL. */
export const ChannelView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: ChannelKindSchema,
  /** Where it goes, with secrets left out: the webhook's host, the SMTP server and recipients. */
  target: Type.String(),
  createdAt: Millis,
  lastDelivery: Nullable(DeliveryView),
});
export type ChannelView = Type.Static<typeof ChannelView>;

export const NotificationRouteInput = Type.Object(
  {
    channelId: Type.String({ minLength: 1, maxLength: 64 }),
    /** Only incidents of cells at this site / on this line / in this sister group (absent: any). */
    site: Type.Optional(Type.String({ pattern: SEGMENT_PATTERN })),
    line: Type.Optional(Type.String({ pattern: SEGMENT_PATTERN })),
    group: Type.Optional(Type.String({ pattern: SEGMENT_PATTERN })),
    /** Only diagnoses at least this severe (default warning). */
    minSeverity: Type.Optional(Severity),
  },
  closed,
);
export type NotificationRouteInput = Type.Static<typeof NotificationRouteInput>;
export const NotificationRouteView = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  site: Nullable(Type.String()),
  line: Nullable(Type.String()),
  group: Nullable(Type.String()),
  minSeverity: Severity,
});
export type NotificationRouteView = Type.Static<typeof NotificationRouteView>;

export const IncidentView = Type.Object({
  id: Type.String(),
  cell: Type.String({ pattern: CELL_ID_PATTERN }),
  endpoint: Type.String(),
  code: Type.String(),
  severity: Severity,
  summary: Type.String(),
  /** open: failing; recovering: healthy again, not yet for long enough; closed: recovered. */
  status: StringEnum(['open', 'recovering', 'closed']),
  openedAt: Millis,
  lastFailAt: Millis,
  closedAt: Nullable(Millis),
  /** Times it failed again while recovering: a flapping cell stays one incident. */
  flaps: Type.Integer({ minimum: 0 }),
  /** Opened while an approved action ran in the cell's maintenance window: nobody was told. */
  quiet: Type.Boolean(),
});
export type IncidentView = Type.Static<typeof IncidentView>;

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const ADMIN_ERRORS = { ...GUARDED_ERRORS, 404: ErrorBody };

export const NOTIFY_ROUTES = defineRoutes({
  listChannels: {
    method: 'GET',
    path: '/api/notifications/channels',
    summary: 'Notification channels, each with its last delivery (admin)',
    tags: ['notifications'],
    role: 'admin',
    audited: false,
    responses: { 200: Type.Array(ChannelView), ...GUARDED_ERRORS },
  },
  createChannel: {
    method: 'POST',
    path: '/api/notifications/channels',
    summary: 'Add a channel: a signed webhook, Slack, Teams, or email over SMTP with TLS (admin)',
    tags: ['notifications'],
    role: 'admin',
    audited: true,
    body: ChannelInput,
    responses: { 201: ChannelView, ...GUARDED_ERRORS },
  },
  deleteChannel: {
    method: 'DELETE',
    path: '/api/notifications/channels/:id',
    summary: 'Remove a channel and its routes; its undelivered notifications are dropped (admin)',
    tags: ['notifications'],
    role: 'admin',
    audited: true,
    params: IdParams,
    responses: { 204: Type.Null(), ...ADMIN_ERRORS },
  },
  testChannel: {
    method: 'POST',
    path: '/api/notifications/channels/:id/test',
    summary: 'Queue a test notification on a channel; the deliveries list shows how it went (admin)',
    tags: ['notifications'],
    role: 'admin',
    audited: true,
    params: IdParams,
    responses: { 202: DeliveryView, ...ADMIN_ERRORS },
  },
  listNotificationRoutes: {
    method: 'GET',
    path: '/api/notifications/routes',
    summary: 'Which incidents go to which channel (admin)',
    tags: ['notifications'],
    role: 'admin',
    audited: false,
    responses: { 200: Type.Array(NotificationRouteView), ...GUARDED_ERRORS },
  },
  createNotificationRoute: {
    method: 'POST',
    path: '/api/notifications/routes',
    summary: 'Send incidents of a site, line or sister group, from a severity up, to a channel (admin)',
    tags: ['notifications'],
    role: 'admin',
    audited: true,
    body: NotificationRouteInput,
    responses: { 201: NotificationRouteView, ...ADMIN_ERRORS },
  },
  deleteNotificationRoute: {
    method: 'DELETE',
    path: '/api/notifications/routes/:id',
    summary: 'Remove a route (admin)',
    tags: ['notifications'],
    role: 'admin',
    audited: true,
    params: IdParams,
    responses: { 204: Type.Null(), ...ADMIN_ERRORS },
  },
  listDeliveries: {
    method: 'GET',
    path: '/api/notifications/deliveries',
    summary: 'The latest notifications with their delivery status and last error (admin)',
    tags: ['notifications'],
    role: 'admin',
    audited: false,
    query: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
    responses: { 200: Type.Array(DeliveryView), ...GUARDED_ERRORS },
  },
  listIncidents: {
    method: 'GET',
    path: '/api/incidents',
    summary: 'Incidents: a cell endpoint failing, from its first failed probe to its recovery',
    tags: ['notifications'],
    role: 'viewer',
    audited: false,
    query: Type.Object({
      status: Type.Optional(StringEnum(['open', 'all'])),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    }),
    responses: { 200: Type.Array(IncidentView), ...GUARDED_ERRORS },
  },
});
