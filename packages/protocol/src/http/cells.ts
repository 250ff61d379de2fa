// HTTP DTOs for the fleet's cells (liveness, probes, the fault notebook), and their routes.
import Type from 'typebox';
import { BuildInfo, CertificateSummary, DiagnosisSummary, ProbeStep } from '../messages/probe.ts';
import { HealthBody } from '../messages/state.ts';
import { ErrorBody, Nullable, StringEnum } from './common.ts';
import { defineRoutes } from './route.ts';

export const LastProbe = Type.Object({
  endpoint: Type.String(),
  url: Type.String(),
  ok: Type.Boolean(),
  at: Type.Integer(),
  durationMs: Type.Number(),
  diagnosis: DiagnosisSummary,
  findings: Type.Array(DiagnosisSummary),
  steps: Type.Array(ProbeStep),
  /** The server's platform as the probe detected it (issue 13), for search and fix steps. */
  platform: Type.Optional(Type.Object({ vendor: Type.String(), product: Type.Optional(Type.String()) })),
  /** The cell client this probe ran as (issue 17), by its config name and display label. */
  client: Type.Optional(Type.String()),
  clientLabel: Type.Optional(Type.String()),
  /** Since when this endpoint (or client) has been failing without a pass in between. */
  failingSince: Type.Optional(Type.Integer()),
});
export type LastProbe = Type.Static<typeof LastProbe>;

export const CellSummary = Type.Object({
  id: Type.String({ description: 'site.line.cell' }),
  site: Type.String(),
  line: Type.String(),
  cell: Type.String(),
  sisterGroup: Type.String(),
  online: Type.Boolean(),
  /** When the cell last changed between online and offline (ms since epoch); null if never seen. */
  since: Nullable(Type.Integer()),
  lastSeen: Nullable(Type.Integer()),
  agentVersion: Nullable(Type.String()),
  buildInfo: Nullable(BuildInfo),
  lastProbe: Nullable(LastProbe),
  /**
   * The agent's clock minus the hub's, when its last message's ts was more than 5 minutes ahead
   * or more than a year behind (core's CLOCK_WINDOW); absent while the clocks agree.
   */
  clockSkewMs: Type.Optional(Type.Integer()),
});
export type CellSummary = Type.Static<typeof CellSummary>;

/** A stored capture of a failing probe (issue 17): what the cell page offers for download. */
export const CaptureInfo = Type.Object({
  endpoint: Type.String(),
  client: Type.Optional(Type.String()),
  at: Type.Integer(),
  code: Type.String(),
  bytes: Type.Integer(),
});
export type CaptureInfo = Type.Static<typeof CaptureInfo>;

export const CellDetail = Type.Object({
  ...CellSummary.properties,
  /** The last failing capture per endpoint and client (added with issue 17). */
  captures: Type.Optional(Type.Array(CaptureInfo)),
  endpoints: Type.Array(Type.Object({ name: Type.String(), url: Type.String() })),
  session: Type.Integer(),
  health: Nullable(HealthBody),
  probes: Type.Array(LastProbe),
});
export type CellDetail = Type.Static<typeof CellDetail>;

const NotebookEvent = Type.Object({
  at: Type.Integer(),
  kind: StringEnum(['opened', 'changed', 'recovered', 'recurred']),
  code: Type.String(),
  summary: Type.String(),
});

/** One story of the cell's fault history (core/notebook.ts). */
export const NotebookEntryView = Type.Object({
  endpoint: Type.String(),
  /** The cell client the story is about (issue 17), by its display label or config name. */
  client: Type.Optional(Type.String()),
  openedAt: Type.Integer(),
  status: StringEnum(['open', 'watching', 'closed']),
  lastSeenFailing: Type.Integer(),
  watchUntil: Nullable(Type.Integer()),
  closedAt: Nullable(Type.Integer()),
  codes: Type.Array(Type.String()),
  recurrences: Type.Integer({ minimum: 0 }),
  flapping: Type.Boolean(),
  events: Type.Array(NotebookEvent),
});
export type NotebookEntryView = Type.Static<typeof NotebookEntryView>;

export const NotebookView = Type.Object({
  cell: Type.String(),
  watchMs: Type.Integer(),
  entries: Type.Array(NotebookEntryView),
});
export type NotebookView = Type.Static<typeof NotebookView>;

/** What this hub process refused from one cell since it started (issue 12 finding 6). */
export const CellRefusals = Type.Object({
  cell: Type.String(),
  /** By reason: packet-too-large, malformed-packet, publish-refused, subscribe-refused, invalid-message. */
  refused: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
});
export type CellRefusals = Type.Static<typeof CellRefusals>;

/** A sister cell's view of the same endpoint: which certificate its agent saw there. */
export const SisterCertificate = Type.Object({
  cell: Type.String(),
  online: Type.Boolean(),
  /** When its agent last probed this endpoint; null if never. */
  at: Nullable(Type.Integer()),
  code: Nullable(Type.String()),
  certificate: Nullable(CertificateSummary),
});

/** One endpoint of a cell as a trust decision needs it (issue 14, item 4). */
export const EndpointTrust = Type.Object({
  endpoint: Type.String(),
  url: Type.String(),
  at: Type.Integer(),
  code: Type.String(),
  /** The last probe's diagnosis is server-cert-untrusted: a trust decision is pending. */
  untrusted: Type.Boolean(),
  /** The certificate the server presented (what the agent rejected, when untrusted). */
  certificate: Nullable(CertificateSummary),
  /** The exact agent commands for this cell and certificate (from what its birth reported). */
  commands: Nullable(
    Type.Object({ list: Type.String(), show: Type.String(), accept: Type.String(), reject: Type.String() }),
  ),
  sisters: Type.Array(SisterCertificate),
});
export type EndpointTrust = Type.Static<typeof EndpointTrust>;

export const TrustView = Type.Object({
  cell: Type.String(),
  sisterGroup: Type.String(),
  endpoints: Type.Array(EndpointTrust),
});
export type TrustView = Type.Static<typeof TrustView>;

export const CellParams = Type.Object({ id: Type.String({ description: 'site.line.cell', maxLength: 200 }) });

/** How many ids GET /api/cells?ids= takes at once (the address stays well under a server's header limit). */
export const LIST_CELLS_MAX_IDS = 100;

export const CELL_ROUTES = defineRoutes({
  listCells: {
    method: 'GET',
    path: '/api/cells',
    summary: 'Every enrolled cell with its liveness, server identity and last probe',
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    query: Type.Object({
      q: Type.Optional(
        Type.String({
          maxLength: 200,
          description:
            'Only cells this finds, the way a tech types: vendor or product, server version, or what any client shows for the diagnosis (Bad_ConnectionRejected, BadSecurityChecksFailed, 0x80130000)',
        }),
      ),
      ids: Type.Optional(
        Type.String({
          maxLength: 8192,
          description: `Only these cells: ids separated by commas, at most ${LIST_CELLS_MAX_IDS}. What a page refreshes after a live event names them; an id not enrolled (any more) is left out of the answer.`,
        }),
      ),
    }),
    responses: { 200: Type.Array(CellSummary) },
  },
  getCell: {
    method: 'GET',
    path: '/api/cells/:id',
    summary: 'One cell, with its endpoints, outbox health and recent probes',
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    params: CellParams,
    responses: { 200: CellDetail, 404: ErrorBody },
  },
  getNotebook: {
    method: 'GET',
    path: '/api/cells/:id/notebook',
    summary: "The cell's fault history: when it broke, what the diagnosis was, when it recovered",
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    params: CellParams,
    query: Type.Object({ format: Type.Optional(StringEnum(['json', 'md'])) }),
    responses: { 200: NotebookView, 404: ErrorBody },
    produces: ['text/markdown'],
  },
  getCapture: {
    method: 'GET',
    path: '/api/cells/:id/captures/:endpoint',
    summary:
      "The last failing probe's own OPC UA connection as pcapng (Wireshark): of the agent, or of one cell client",
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    params: Type.Object({
      id: Type.String({ minLength: 1, maxLength: 200 }),
      endpoint: Type.String({ minLength: 1, maxLength: 64 }),
    }),
    query: Type.Object({ client: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })) }),
    responses: { 200: Type.String({ description: 'application/x-pcapng' }), 404: ErrorBody },
    produces: ['application/x-pcapng'],
  },
  getRefusals: {
    method: 'GET',
    path: '/api/cells/:id/refusals',
    summary:
      'What this hub process refused from the cell since it started, by reason (oversized packets, ACL, invalid messages); each replica counts its own',
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    params: CellParams,
    responses: { 200: CellRefusals, 404: ErrorBody },
  },
  getTrust: {
    method: 'GET',
    path: '/api/cells/:id/trust',
    summary:
      "Server certificates the cell's agent saw, per endpoint, beside its sister cells' for the same endpoint, with the exact trust commands",
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    params: CellParams,
    responses: { 200: TrustView, 404: ErrorBody },
  },
  events: {
    method: 'GET',
    path: '/api/events',
    summary: 'Live updates: a `cells` event names the cells whose state changed (text/event-stream)',
    tags: ['cells'],
    role: 'viewer',
    audited: false,
    responses: {},
    produces: ['text/event-stream'],
  },
});
