// Users, roles, sessions and API tokens, on SQLite or PostgreSQL. No user exists until an
// admin creates one with the CLI (`cellfleet-hub user add`): there is no default account and
// no default password. Everything lives in the database, so a session issued by one hub
// replica works on every other, and a user disabled on one is refused by all.
//
// Each change to a user commits in one transaction with its audit record, holding a lock on
// that user's name: replicas adding the same name, or logging in while an admin disables the
// account, take turns instead of racing past each other's checks.
import type { Actor } from '@cellfleet/core';
import type { Role, UserView } from '@cellfleet/protocol';
import type { AuditLog } from '../audit/log.ts';
import type { Migrations, Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';
import { createFailureTally } from './failures.ts';
import {
  hashSecret,
  newPassword,
  newToken,
  PASSWORD_LOG_N,
  parseToken,
  secretMatches,
  TOKEN_LOG_N,
  type TokenKind,
} from './secrets.ts';
import {
  createAccountLocks,
  createHashGate,
  DEFAULT_LOCK_POLICY,
  type LockPolicy,
  tooManyAttempts,
} from './throttle.ts';

const MIGRATIONS: Migrations = {
  // Unchanged from the SQLite-only hub, so existing databases stay at version 1.
  sqlite: [
    `CREATE TABLE auth_users (
     name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
   CREATE TABLE auth_tokens (
     id TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES auth_users (name), kind TEXT NOT NULL,
     secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, revoked INTEGER NOT NULL DEFAULT 0);`,
  ],
  postgres: [
    `CREATE TABLE auth_users (
       name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
       disabled INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL);
     CREATE TABLE auth_tokens (
       id TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES auth_users (name), kind TEXT NOT NULL,
       secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT,
       revoked INTEGER NOT NULL DEFAULT 0);
     CREATE INDEX auth_tokens_user ON auth_tokens (user_name);`,
  ],
};

export interface AuthOptions {
  readonly sql: Sql;
  readonly audit: AuditLog;
  readonly now: () => number;
  /** Session lifetime; default 12 h (one shift). */
  readonly sessionTtlMs?: number;
  /** scrypt cost (log2 N) for passwords; tests lower it. */
  readonly passwordLogN?: number;
  /** When wrong passwords lock a name (throttle.ts); tests shorten it. */
  readonly lockPolicy?: LockPolicy;
  /** Password checks hashing at once, and waiting; more are refused with 429 (throttle.ts). */
  readonly hashSlots?: number;
  readonly hashQueue?: number;
  /** Failed sign-ins are audited per account and source once per this interval (failures.ts). */
  readonly failureAuditMs?: number;
}

export interface Credentials {
  readonly user: UserView;
  readonly password: string;
  readonly token: string;
}

export interface Session {
  readonly token: string;
  readonly expiresAt: number;
  readonly user: UserView;
}

export interface AuthService {
  /** Creates a user with a generated password and API token, returned once. */
  addUser(actor: string, name: string, role: Role): Promise<Credentials>;
  listUsers(): Promise<UserView[]>;
  getUser(name: string): Promise<UserView | undefined>;
  /** Disabling revokes every token of the user. */
  updateUser(actor: string, name: string, change: { role?: Role; disabled?: boolean }): Promise<UserView>;
  /** Returns the new password; the user's sessions are revoked, API tokens kept. */
  resetPassword(actor: string, name: string): Promise<string>;
  issueApiToken(actor: string, name: string): Promise<string>;
  /**
   * `source` is the caller's address (the proxy's client address when the hub trusts a proxy).
   * Refused with `rate-limited` (429, Retry-After) while the name is locked (throttle.ts).
   */
  login(name: string, password: string, source?: string): Promise<Session>;
  /** Writes the failed sign-ins counted in intervals that ended (all of them with `all`). */
  flushFailedLogins(all?: boolean): Promise<void>;
  logout(token: string): Promise<void>;
  /** The actor a bearer token stands for, or undefined. */
  authenticate(token: string): Promise<Actor | undefined>;
}

interface UserRow {
  name: string;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: number;
}

const view = (r: UserRow): UserView => ({
  name: r.name,
  role: r.role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});

export async function openAuthService(o: AuthOptions): Promise<AuthService> {
  const { sql, audit, now } = o;
  await sql.migrate('auth', MIGRATIONS);
  const logN = o.passwordLogN ?? PASSWORD_LOG_N;
  const ttl = o.sessionTtlMs ?? 12 * 3600_000;
  // Unknown names still cost one scrypt, so response time does not reveal which names exist.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => {
    decoy ??= hashSecret(newPassword(), logN);
    return decoy;
  };
  const locks = createAccountLocks(now, o.lockPolicy ?? DEFAULT_LOCK_POLICY);
  const gate = createHashGate({ slots: o.hashSlots ?? 1, maxWaiting: o.hashQueue ?? 16 });
  const failures = createFailureTally({ intervalMs: o.failureAuditMs ?? 60_000, maxKeys: 1000 });
  const locked = (name: string) => {
    const wait = locks.retryAfterMs(name);
    if (wait > 0) throw tooManyAttempts('too many wrong passwords for this name; try again later', wait);
  };
  async function loginFailed(name: string, known: boolean, source: string): Promise<never> {
    const lockMs = locks.failed(name);
    for (const closed of failures.due(now())) await audit.append(closed, now());
    const first = failures.note(known ? name : undefined, source, now());
    if (first) await audit.append(first, now());
    if (known && lockMs > 0)
      await audit.append(
        { actor: 'anonymous', event: 'auth.locked', subject: `user:${name}`, data: { source, lockMs } },
        now(),
      );
    throw new AppError('unauthenticated', 'unknown user or wrong password');
  }
  const row = (name: string) => sql.get<UserRow>('SELECT * FROM auth_users WHERE name = ?', [name]);
  const record = (actor: string, event: string, name: string, data: Record<string, string | boolean> = {}) =>
    audit.append({ actor, event, subject: `user:${name}`, data }, now());

  /** Runs `fn` in a transaction that holds the lock on user `name`. */
  const forUser = <T>(name: string, fn: () => Promise<T>): Promise<T> =>
    sql.tx(async () => {
      await sql.lock(`auth-user:${name}`);
      return fn();
    });

  async function mustGet(name: string): Promise<UserRow> {
    const r = await row(name);
    if (!r) throw new AppError('not-found', `no user "${name}"`, { field: 'name' });
    return r;
  }

  async function issue(name: string, kind: TokenKind, expiresAt: number | null): Promise<string> {
    const t = newToken(kind);
    await sql.run(
      'INSERT INTO auth_tokens (id, user_name, kind, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      [t.id, name, kind, await hashSecret(t.secret, TOKEN_LOG_N), now(), expiresAt],
    );
    return t.token;
  }

  return {
    async addUser(actor, name, role) {
      if (await row(name)) throw new AppError('conflict', `user "${name}" exists`, { field: 'name' });
      // scrypt runs before the transaction, so no lock is held while it works.
      const password = newPassword();
      const hash = await hashSecret(password, logN);
      return forUser(name, async () => {
        if (await row(name)) throw new AppError('conflict', `user "${name}" exists`, { field: 'name' });
        await sql.run('INSERT INTO auth_users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)', [
          name,
          role,
          hash,
          now(),
        ]);
        const token = await issue(name, 'api', null);
        await record(actor, 'user.created', name, { role });
        return { user: view(await mustGet(name)), password, token };
      });
    },
    listUsers: async () => (await sql.all<UserRow>('SELECT * FROM auth_users ORDER BY name')).map(view),
    async getUser(name) {
      const r = await row(name);
      return r ? view(r) : undefined;
    },
    updateUser(actor, name, change) {
      return forUser(name, async () => {
        const r = await mustGet(name);
        const role = change.role ?? r.role;
        const disabled = change.disabled ?? r.disabled === 1;
        await sql.run('UPDATE auth_users SET role = ?, disabled = ? WHERE name = ?', [
          role,
          disabled ? 1 : 0,
          name,
        ]);
        if (disabled) await sql.run('UPDATE auth_tokens SET revoked = 1 WHERE user_name = ?', [name]);
        await record(actor, 'user.updated', name, { role, disabled });
        return view(await mustGet(name));
      });
    },
    async resetPassword(actor, name) {
      const password = newPassword();
      const hash = await hashSecret(password, logN);
      await forUser(name, async () => {
        await mustGet(name);
        await sql.run('UPDATE auth_users SET password_hash = ? WHERE name = ?', [hash, name]);
        await sql.run("UPDATE auth_tokens SET revoked = 1 WHERE user_name = ? AND kind = 'session'", [name]);
        await record(actor, 'user.password-reset', name);
      });
      return password;
    },
    issueApiToken(actor, name) {
      return forUser(name, async () => {
        await mustGet(name);
        const token = await issue(name, 'api', null);
        await record(actor, 'user.token-issued', name);
        return token;
      });
    },
    async login(name, password, source = 'local') {
      locked(name);
      const r = await row(name);
      const stored = r?.password_hash ?? (await decoyHash());
      const matches = await gate.run(() => secretMatches(password, stored));
      // Checked again after the hash: guesses sent in parallel all passed the first check, and
      // the right one among them must not get in once the wrong ones have locked the name.
      locked(name);
      if (!r || !matches || r.disabled === 1) return loginFailed(name, r !== undefined, source);
      locks.succeeded(name);
      for (const closed of failures.close(name)) await audit.append(closed, now());
      const expiresAt = now() + ttl;
      const token = await forUser(name, async () => {
        // Checked again under the lock: a disable or password reset that committed since
        // the check above must not be followed by a fresh session it cannot revoke.
        const current = await row(name);
        if (current?.disabled !== 0 || current.password_hash !== r.password_hash)
          throw new AppError('unauthenticated', 'unknown user or wrong password');
        await record(name, 'auth.login', name, { source });
        return issue(name, 'session', expiresAt);
      });
      return { token, expiresAt, user: view(r) };
    },
    async flushFailedLogins(all = false) {
      for (const entry of failures.due(all ? Number.POSITIVE_INFINITY : now()))
        await audit.append(entry, now());
    },
    async logout(token) {
      const t = parseToken(token);
      if (t) await sql.run('UPDATE auth_tokens SET revoked = 1 WHERE id = ?', [t.id]);
    },
    async authenticate(token) {
      const t = parseToken(token);
      if (!t) return undefined;
      const r = await sql.get<{
        secret_hash: string;
        expires_at: number | null;
        kind: string;
        name: string;
        role: Role;
      }>(
        `SELECT t.secret_hash, t.expires_at, t.kind, u.name, u.role FROM auth_tokens t
         JOIN auth_users u ON u.name = t.user_name WHERE t.id = ? AND t.revoked = 0 AND u.disabled = 0`,
        [t.id],
      );
      if (!r || r.kind !== t.kind || (r.expires_at !== null && r.expires_at <= now())) return undefined;
      return (await secretMatches(t.secret, r.secret_hash)) ? { name: r.name, role: r.role } : undefined;
    },
  };
}
