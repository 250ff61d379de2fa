// A hub with auth, audit and actions on an in-memory database and a fake broker, for tests.
import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import type { ActionBody, Role } from '@cellfleet/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { type AuditLog, createAuditLog } from '../audit/log.ts';
import { auditRoutes } from '../audit/routes.ts';
import { installErrorHandler } from '../auth/errors.ts';
import { installAuth } from '../auth/plugin.ts';
import { authRoutes } from '../auth/routes.ts';
import { type AuthService, createAuthService } from '../auth/service.ts';
import { type Keyring, openKeyring } from './keys.ts';
import { actionRoutes } from './routes.ts';
import { type ActionPolicy, type ActionService, createActionService } from './service.ts';

/** Loose reply shape for assertions; pass a type argument for more. */
export interface ApiBody {
  id?: string;
  state?: string;
  code?: string;
  message?: string;
  [key: string]: unknown;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TestHub {
  readonly app: FastifyInstance;
  readonly db: DatabaseSync;
  readonly audit: AuditLog;
  readonly auth: AuthService;
  readonly keyring: Keyring;
  readonly actions: ActionService;
  readonly clock: { now: number };
  readonly sent: { cell: string; body: ActionBody }[];
  /** Bearer tokens by user name: admin, erin (engineer), ann and bob (approvers), vic (viewer). */
  readonly tokens: Record<string, string>;
  request<T = ApiBody>(
    user: string,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: object,
  ): Promise<{ status: number; json: T }>;
  close(): Promise<void>;
}

export const USERS: Record<string, Role> = {
  admin: 'admin',
  erin: 'engineer',
  ann: 'approver',
  bob: 'approver',
  vic: 'viewer',
};

export async function startTestHub(
  policy: Partial<ActionPolicy> = {},
  start = Date.parse('2025-06-14T12:00:00Z'),
): Promise<TestHub> {
  const db = new DatabaseSync(':memory:');
  const clock = { now: start };
  const now = () => clock.now;
  const audit = createAuditLog(db);
  const auth = createAuthService({ db, audit, now, passwordLogN: 10 });
  const keyring = openKeyring(db, now);
  const sent: { cell: string; body: ActionBody }[] = [];
  const actions = createActionService({
    db,
    audit,
    keyring,
    newId: randomUUID,
    publish: (cell, body) => {
      sent.push({ cell, body });
    },
    policy,
  });
  const app = Fastify();
  installErrorHandler(app);
  installAuth(app, auth);
  app.get('/healthz', () => ({ ok: true }));
  authRoutes(app, auth);
  auditRoutes(app, audit);
  actionRoutes(app, { actions, now });
  await app.ready();
  const tokens: Record<string, string> = {};
  for (const [name, role] of Object.entries(USERS)) tokens[name] = auth.addUser('test', name, role).token;
  return {
    app,
    db,
    audit,
    auth,
    keyring,
    actions,
    clock,
    sent,
    tokens,
    async request<T = ApiBody>(user: string, method: Method, url: string, body?: object) {
      const headers = tokens[user] ? { authorization: `Bearer ${tokens[user]}` } : {};
      const r = await app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
      return { status: r.statusCode, json: (r.body ? r.json() : undefined) as T };
    },
    async close() {
      await app.close();
      db.close();
    },
  };
}
