// One-time enrollment tokens (issue 14, item 3): an admin creates a token bound to one cell; the
// agent exchanges it once, on first start, for its credentials and the hub's action keys. The
// hub keeps only a hash of the token, so a token is shown once, like a password.
import Type from 'typebox';
import { ActionKey, EndpointConfig } from '../config.ts';
import { SEGMENT_PATTERN } from '../ids.ts';
import { Identity } from '../messages/state.ts';
import { ErrorBody, Millis, Nullable, StringEnum } from './common.ts';
import { defineRoutes } from './route.ts';

const Segment = Type.String({ pattern: SEGMENT_PATTERN });

/** Default life of a token: long enough to walk to the IPC, short enough to be worthless later. */
export const ENROLL_TOKEN_DEFAULT_TTL_S = 3600;
export const ENROLL_TOKEN_MAX_TTL_S = 7 * 24 * 3600;
/** `cfe_` and 32 random bytes in base64url (43 characters). */
export const ENROLL_TOKEN_PATTERN = '^cfe_[A-Za-z0-9_-]{43}$';

export const CreateEnrollTokenRequest = Type.Object(
  {
    site: Segment,
    line: Segment,
    cell: Segment,
    sisterGroup: Segment,
    endpoints: Type.Optional(
      Type.Array(Type.Object({ name: EndpointConfig.properties.name, url: EndpointConfig.properties.url }), {
        maxItems: 64,
      }),
    ),
    /** The broker the agent will dial (mqtt:// or mqtts://); default: the hub's own. */
    brokerUrl: Type.Optional(Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://', maxLength: 512 })),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: ENROLL_TOKEN_MAX_TTL_S })),
  },
  { additionalProperties: false },
);
export type CreateEnrollTokenRequest = Type.Static<typeof CreateEnrollTokenRequest>;

export const EnrollTokenState = StringEnum(['open', 'used', 'expired', 'revoked']);
export type EnrollTokenState = Type.Static<typeof EnrollTokenState>;

/** A token as an admin lists it: everything but the token itself, which the hub never kept. */
export const EnrollTokenView = Type.Object({
  id: Type.String(),
  cellId: Type.String(),
  sisterGroup: Type.String(),
  brokerUrl: Type.String(),
  createdBy: Type.String(),
  createdAt: Millis,
  expiresAt: Millis,
  usedAt: Nullable(Millis),
  revokedAt: Nullable(Millis),
  state: EnrollTokenState,
});
export type EnrollTokenView = Type.Static<typeof EnrollTokenView>;

export const CreatedEnrollToken = Type.Object({
  ...EnrollTokenView.properties,
  /** Shown once. */
  token: Type.String(),
});
export type CreatedEnrollToken = Type.Static<typeof CreatedEnrollToken>;

export const EnrollExchangeRequest = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

/** What the agent writes as its config file (the agent's config schema accepts it as is). */
export const EnrolledAgentConfig = Type.Object({
  identity: Identity,
  hub: Type.Object({
    url: Type.String(),
    username: Type.String(),
    password: Type.String(),
    actionKeys: Type.Optional(Type.Array(ActionKey)),
  }),
  endpoints: Type.Array(Type.Object({ name: Type.String(), url: Type.String() })),
});
export type EnrolledAgentConfig = Type.Static<typeof EnrolledAgentConfig>;

export const EnrollExchangeResponse = Type.Object({ id: Type.String(), config: EnrolledAgentConfig });
export type EnrollExchangeResponse = Type.Static<typeof EnrollExchangeResponse>;

const TokenParams = Type.Object({ id: Type.String({ pattern: '^[a-f0-9]{16}$' }) });

export const ENROLL_ROUTES = defineRoutes({
  createEnrollToken: {
    method: 'POST',
    path: '/api/enroll-tokens',
    summary: 'Create a one-time enrollment token for one cell (shown once; the hub keeps its hash)',
    tags: ['enrollment'],
    role: 'admin',
    audited: true,
    body: CreateEnrollTokenRequest,
    responses: { 201: CreatedEnrollToken, 400: ErrorBody },
  },
  listEnrollTokens: {
    method: 'GET',
    path: '/api/enroll-tokens',
    summary: 'Enrollment tokens with their state (open, used, expired, revoked), newest first',
    tags: ['enrollment'],
    role: 'admin',
    audited: false,
    responses: { 200: Type.Array(EnrollTokenView) },
  },
  revokeEnrollToken: {
    method: 'DELETE',
    path: '/api/enroll-tokens/:id',
    summary: 'Revoke an open enrollment token',
    tags: ['enrollment'],
    role: 'admin',
    audited: true,
    params: TokenParams,
    responses: { 200: EnrollTokenView, 404: ErrorBody, 409: ErrorBody },
  },
  enroll: {
    method: 'POST',
    path: '/api/enroll',
    summary:
      'An agent exchanges its one-time token for its credentials and the hub keys (public, rate-limited; refusals are audited)',
    tags: ['enrollment'],
    role: 'public',
    audited: true,
    body: EnrollExchangeRequest,
    responses: { 200: EnrollExchangeResponse, 400: ErrorBody, 403: ErrorBody, 429: ErrorBody },
  },
});
