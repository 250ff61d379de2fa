// HTTP DTOs for sign-in, users, the audit log and the action-signing keys, and their routes.
import Type from 'typebox';
import { ErrorBody, Millis, RoleSchema, StringEnum } from './common.ts';
import { defineRoutes } from './route.ts';

export const USER_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';
const UserName = Type.String({ pattern: USER_NAME_PATTERN });

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
  format: Type.Optional(StringEnum(['json', 'jsonl', 'csv'])),
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
  state: StringEnum(['next', 'active', 'retired']),
  createdAt: Millis,
});
export type HubKeyView = Type.Static<typeof HubKeyView>;

const NameParams = Type.Object({ name: Type.String({ maxLength: 64 }) });
const AUTH_ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const AUTH_ROUTES = defineRoutes({
  login: {
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Exchange name and password for a session token',
    tags: ['auth'],
    role: 'public',
    audited: false,
    body: LoginRequest,
    // 429 with Retry-After: too many attempts from the address, or the name is locked after
    // wrong passwords, or too many sign-ins are being checked at once.
    responses: { 200: LoginResponse, ...AUTH_ERRORS, 429: ErrorBody },
  },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'End this session',
    tags: ['auth'],
    role: 'viewer',
    audited: false,
    responses: { 204: Type.Null() },
  },
  me: {
    method: 'GET',
    path: '/api/auth/me',
    summary: 'Who is signed in',
    tags: ['auth'],
    role: 'viewer',
    audited: false,
    responses: { 200: UserView, 401: ErrorBody },
  },
  listUsers: {
    method: 'GET',
    path: '/api/users',
    summary: 'Every user (admin)',
    tags: ['auth'],
    role: 'admin',
    audited: false,
    responses: { 200: Type.Array(UserView), ...AUTH_ERRORS },
  },
  createUser: {
    method: 'POST',
    path: '/api/users',
    summary: 'Add a user; the password and API token are shown once (admin)',
    tags: ['auth'],
    role: 'admin',
    audited: true,
    body: CreateUserRequest,
    responses: { 201: CreateUserResponse, ...AUTH_ERRORS },
  },
  updateUser: {
    method: 'PATCH',
    path: '/api/users/:name',
    summary: 'Change a role, or disable a user (admin)',
    tags: ['auth'],
    role: 'admin',
    audited: true,
    params: NameParams,
    body: UpdateUserRequest,
    responses: { 200: UserView, ...AUTH_ERRORS },
  },
  issueToken: {
    method: 'POST',
    path: '/api/users/:name/tokens',
    summary: 'Issue an API token for a user (admin)',
    tags: ['auth'],
    role: 'admin',
    audited: true,
    params: NameParams,
    responses: { 201: Type.Object({ token: Type.String() }), ...AUTH_ERRORS },
  },
  listAudit: {
    method: 'GET',
    path: '/api/audit',
    summary: 'Audit entries in order; format=jsonl or csv downloads an export',
    tags: ['audit'],
    role: 'viewer',
    audited: false,
    query: AuditQuery,
    responses: { 200: Type.Array(AuditEntryView), 401: ErrorBody },
    produces: ['application/x-ndjson', 'text/csv'],
  },
  verifyAudit: {
    method: 'GET',
    path: '/api/audit/verify',
    summary: 'Re-hash the whole chain (admin)',
    tags: ['audit'],
    role: 'admin',
    audited: false,
    responses: { 200: AuditVerifyResponse, 401: ErrorBody, 403: ErrorBody },
  },
  listActionKeys: {
    method: 'GET',
    path: '/api/action-keys',
    summary: 'Hub public keys for agents to pin',
    tags: ['actions'],
    role: 'viewer',
    audited: false,
    responses: { 200: Type.Array(HubKeyView), 401: ErrorBody },
  },
  openapi: {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This API, as OpenAPI 3',
    tags: ['api'],
    role: 'viewer',
    audited: false,
    responses: { 200: Type.Unknown() },
  },
});
