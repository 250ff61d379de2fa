// Who is signed in, and what their role lets them do. The UI offers an action only when the
// role allows it; the hub checks again (its role guard), so hiding a button is courtesy, not security.
import type { Role, UserView } from '@cellfleet/protocol';
import { ApiError, api } from './api.ts';

const RANK: Record<Role, number> = { metrics: 0, viewer: 1, engineer: 2, approver: 3, admin: 4 };

export const session = $state<{ user: UserView | null; checked: boolean }>({ user: null, checked: false });

export function can(role: Role): boolean {
  return session.user !== null && RANK[session.user.role] >= RANK[role];
}

/** Asks the hub who the session cookie belongs to; a 401 just means "not signed in". */
export async function restoreSession(): Promise<void> {
  try {
    session.user = await api.get('/api/auth/me');
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    session.user = null;
  } finally {
    session.checked = true;
  }
}

export async function signIn(name: string, password: string): Promise<void> {
  const r = await api.post('/api/auth/login', { body: { name, password } });
  session.user = r.user;
}

export async function signOut(): Promise<void> {
  await api.post('/api/auth/logout').catch(() => {});
  session.user = null;
}
