// The one place the UI talks HTTP. The session cookie set at login authenticates every call
// (and the EventSource, which cannot send headers), so no token is kept in script reach.
import type { ErrorBody } from '@cellfleet/protocol';

/** Why a call failed, in the words the UI shows. `unreachable`: no answer from the hub at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Listeners told when the hub stops or starts answering, for the banner in the shell. */
const reachListeners = new Set<(reachable: boolean) => void>();
export function onReachability(fn: (reachable: boolean) => void): () => void {
  reachListeners.add(fn);
  return () => reachListeners.delete(fn);
}
const setReachable = (ok: boolean) => {
  for (const fn of reachListeners) fn(ok);
};

/** Listeners told on 401, so an expired session goes back to sign-in. */
const authListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  authListeners.add(fn);
  return () => authListeners.delete(fn);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    setReachable(false);
    throw new ApiError(0, 'unreachable', 'The hub does not answer. Is it running?');
  }
  // A proxy in front of a stopped hub answers 502/503/504: the hub is as good as unreachable.
  if (res.status >= 502 && res.status <= 504) {
    setReachable(false);
    throw new ApiError(res.status, 'unreachable', 'The hub does not answer. Is it running?');
  }
  setReachable(true);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const err = (data ?? {}) as Partial<ErrorBody>;
    if (res.status === 401 && path !== '/api/auth/login') for (const fn of authListeners) fn();
    throw new ApiError(res.status, err.code ?? `http-${res.status}`, err.message ?? res.statusText);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** A failure as one line for the page. */
export function describe(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** 404 from a route the hub does not have (yet): the view shows "not available" instead of an error. */
export function isMissingRoute(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && err.code !== 'not-found';
}
