// Users, roles, sessions and API tokens. No user exists until an admin creates one with the
// CLI (`cellfleet-hub user add`): there is no default account and no default password.
import type { DatabaseSync } from 'node:sqlite';
import type { Actor } from '@cellfleet/core';
import type { Role, UserView } from '@cellfleet/protocol';
import type { AuditLog } from '../audit/log.ts';
import { transaction } from '../audit/tx.ts';
import { migrate } from '../store/migrate.ts';
import { AppError } from './errors.ts';
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

const MIGRATIONS = [
  `CREATE TABLE auth_users (
     name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
   CREATE TABLE auth_tokens (
     id TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES auth_users (name), kind TEXT NOT NULL,
     secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, revoked INTEGER NOT NULL DEFAULT 0);`,
];

export interface AuthOptions {
  readonly db: DatabaseSync;
  readonly audit: AuditLog;
  readonly now: () => number;
  /** Session lifetime; default 12 h (one shift). */
  readonly sessionTtlMs?: number;
  /** scrypt cost (log2 N) for passwords; tests lower it. */
  readonly passwordLogN?: number;
}

export interface Credentials {
  readonly user: UserView;
  readonly password: string;
  readonly token: string;
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

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(o: AuthOptions) {
  const { db, audit, now } = o;
  migrate(db, 'auth', MIGRATIONS);
  const logN = o.passwordLogN ?? PASSWORD_LOG_N;
  const ttl = o.sessionTtlMs ?? 12 * 3600_000;
  // Unknown names still cost one scrypt, so response time does not reveal which names exist.
  let decoy: string | undefined;
  const decoyHash = () => {
    decoy ??= hashSecret(newPassword(), logN);
    return decoy;
  };
  const row = (name: string) =>
    db.prepare('SELECT * FROM auth_users WHERE name = ?').get(name) as UserRow | undefined;
  const record = (actor: string, event: string, name: string, data: Record<string, string | boolean> = {}) =>
    audit.append({ actor, event, subject: `user:${name}`, data }, now());

  function mustGet(name: string): UserRow {
    const r = row(name);
    if (!r) throw new AppError('not-found', `no user "${name}"`);
    return r;
  }

  function issue(name: string, kind: TokenKind, expiresAt: number | null): string {
    const t = newToken(kind);
    db.prepare(
      'INSERT INTO auth_tokens (id, user_name, kind, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(t.id, name, kind, hashSecret(t.secret, TOKEN_LOG_N), now(), expiresAt);
    return t.token;
  }

  return {
    /** Creates a user with a generated password and API token, returned once. */
    addUser(actor: string, name: string, role: Role): Credentials {
      if (row(name)) throw new AppError('conflict', `user "${name}" exists`, { field: 'name' });
      const password = newPassword();
      const hash = hashSecret(password, logN);
      return transaction(db, () => {
        if (row(name)) throw new AppError('conflict', `user "${name}" exists`, { field: 'name' });
        db.prepare('INSERT INTO auth_users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)').run(
          name,
          role,
          hash,
          now(),
        );
        const token = issue(name, 'api', null);
        record(actor, 'user.created', name, { role });
        return { user: view(mustGet(name)), password, token };
      });
    },
    listUsers: (): UserView[] =>
      (db.prepare('SELECT * FROM auth_users ORDER BY name').all() as unknown as UserRow[]).map(view),
    getUser: (name: string): UserView | undefined => {
      const r = row(name);
      return r ? view(r) : undefined;
    },
    updateUser(actor: string, name: string, change: { role?: Role; disabled?: boolean }): UserView {
      return transaction(db, () => {
        const r = mustGet(name);
        const role = change.role ?? r.role;
        const disabled = change.disabled ?? r.disabled === 1;
        db.prepare('UPDATE auth_users SET role = ?, disabled = ? WHERE name = ?').run(
          role,
          disabled ? 1 : 0,
          name,
        );
        if (disabled) db.prepare('UPDATE auth_tokens SET revoked = 1 WHERE user_name = ?').run(name);
        record(actor, 'user.updated', name, { role, disabled });
        return view(mustGet(name));
      });
    },
    resetPassword(actor: string, name: string): string {
      const password = newPassword();
      const hash = hashSecret(password, logN);
      transaction(db, () => {
        mustGet(name);
        db.prepare('UPDATE auth_users SET password_hash = ? WHERE name = ?').run(hash, name);
        db.prepare("UPDATE auth_tokens SET revoked = 1 WHERE user_name = ? AND kind = 'session'").run(name);
        record(actor, 'user.password-reset', name);
      });
      return password;
    },
    issueApiToken(actor: string, name: string): string {
      return transaction(db, () => {
        mustGet(name);
        const token = issue(name, 'api', null);
        record(actor, 'user.token-issued', name);
        return token;
      });
    },
    login(name: string, password: string): { token: string; expiresAt: number; user: UserView } {
      const r = row(name);
      const matches = secretMatches(password, r?.password_hash ?? decoyHash());
      if (!r || !matches || r.disabled === 1) {
        record(name, 'auth.login-failed', name);
        throw new AppError('unauthenticated', 'unknown user or wrong password');
      }
      const expiresAt = now() + ttl;
      const token = transaction(db, () => {
        record(name, 'auth.login', name);
        return issue(name, 'session', expiresAt);
      });
      return { token, expiresAt, user: view(r) };
    },
    logout(token: string): void {
      const t = parseToken(token);
      if (t) db.prepare('UPDATE auth_tokens SET revoked = 1 WHERE id = ?').run(t.id);
    },
    /** The actor a bearer token stands for, or undefined. */
    authenticate(token: string): Actor | undefined {
      const t = parseToken(token);
      if (!t) return undefined;
      const r = db
        .prepare(
          `SELECT t.secret_hash, t.expires_at, t.kind, u.name, u.role FROM auth_tokens t
           JOIN auth_users u ON u.name = t.user_name WHERE t.id = ? AND t.revoked = 0 AND u.disabled = 0`,
        )
        .get(t.id) as
        | { secret_hash: string; expires_at: number | null; kind: string; name: string; role: Role }
        | undefined;
      if (!r || r.kind !== t.kind || (r.expires_at !== null && r.expires_at <= now())) return undefined;
      return secretMatches(t.secret, r.secret_hash) ? { name: r.name, role: r.role } : undefined;
    },
  };
}
