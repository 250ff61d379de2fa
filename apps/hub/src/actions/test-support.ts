// A hub with auth, audit and actions on a given database (SQLite or PostgreSQL, see
// store/dialects.test-support.ts) and a fake broker, for tests; and bare replicas of its
// action service on the same database, for tests of several hubs sharing one.
import { randomUUID } from 'node:crypto';
import type { ActionBody, Role } from '@cellfleet/protocol';
import type { FastifyInstance } from 'fastify';
import { type AuditLog, openAuditLog } from '../audit/log.ts';
import { auditRoutes } from '../audit/routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { type AuthService, openAuthService } from '../auth/service.ts';
import type { Sql } from '../db/sql.ts';
import { testKernel } from '../kernel/http.test-support.ts';
import { type Keyring, openKeyring } from '../keys/keyring.ts';
import { actionRoutes } from './routes.ts';
import { type ActionPolicy, type ActionService, openActionService } from './service.ts';

/** Loose reply shape for assertions; pass a type argument for more. */
export interface ApiBody {
  id?: string;
  state?: string;
  code?: string;
  message?: string;
  [key: string]: unknown;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Sent {
  readonly cell: string;
  readonly body: ActionBody;
}

/** What one hub replica holds of the actions module, on a shared database. */
export interface Replica {
  readonly audit: AuditLog;
  readonly keyring: Keyring;
  readonly actions: ActionService;
  /** Everything this replica published, in order (when `publish` was not given). */
  readonly sent: Sent[];
}

export interface ReplicaOptions {
  readonly now?: () => number;
  readonly policy?: Partial<ActionPolicy>;
  /** Replaces the fake broker (which records into `sent`). */
  readonly publish?: (cell: string, body: ActionBody) => Promise<void>;
}

export async function openReplica(sql: Sql, o: ReplicaOptions = {}): Promise<Replica> {
  const audit = await openAuditLog(sql);
  const keyring = await openKeyring(sql, o.now ?? Date.now);
  const sent: Sent[] = [];
  const actions = await openActionService({
    sql,
    audit,
    keyring,
    newId: randomUUID,
    publish:
      o.publish ??
      (async (cell, body) => {
        sent.push({ cell, body });
      }),
    ...(o.policy ? { policy: o.policy } : {}),
  });
  return { audit, keyring, actions, sent };
}

export interface TestHub extends Replica {
  readonly app: FastifyInstance;
  readonly sql: Sql;
  readonly auth: AuthService;
  readonly clock: { now: number };
  /** Bearer tokens by user name: admin, erin (engineer), ann and bob (approvers), vic (viewer). */
  readonly tokens: Record<string, string>;
  request<T = ApiBody>(
    user: string,
    method: Method,
    url: string,
    body?: object,
  ): Promise<{ status: number; json: T }>;
  /** Closes the app and the database. */
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
  sql: Sql,
  policy: Partial<ActionPolicy> = {},
  start = Date.parse('2025-06-14T12:00:00Z'),
): Promise<TestHub> {
  const clock = { now: start };
  const now = () => clock.now;
  const replica = await openReplica(sql, { now, policy });
  const auth = await openAuthService({ sql, audit: replica.audit, now, passwordLogN: 10 });
  const app = await testKernel(auth);
  app.get('/healthz', () => ({ ok: true }));
  authRoutes(app, auth);
  auditRoutes(app, replica.audit);
  actionRoutes(app, { actions: replica.actions, now });
  await app.ready();
  const tokens: Record<string, string> = {};
  for (const [name, role] of Object.entries(USERS))
    tokens[name] = (await auth.addUser('test', name, role)).token;
  return {
    ...replica,
    app,
    sql,
    auth,
    clock,
    tokens,
    async request<T = ApiBody>(user: string, method: Method, url: string, body?: object) {
      const headers = tokens[user] ? { authorization: `Bearer ${tokens[user]}` } : {};
      const r = await app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
      return { status: r.statusCode, json: (r.body ? r.json() : undefined) as T };
    },
    async close() {
      await app.close();
      await sql.close();
    },
  };
}
