// The one place the UI talks HTTP. The session cookie set at login authenticates every call
// (and the EventSource, which cannot send headers), so no token is kept in script reach.
import type { Api, ErrorBody, Method, Static, TSchema } from '@cellfleet/protocol';

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

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
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

// The client is typed by the hub's HTTP contract (@cellfleet/protocol, http/api.ts): a path is
// one the contract declares for that method, the input is what its schemas say, and the
// result is its success response. Types only: nothing of the contract reaches the bundle.
// Keyed by "METHOD /path" rather than filtered out of one union: with 80+ routes, `Extract`
// over the union is more than the checker will represent.
type Routes = { [K in keyof Api as `${Api[K]['method']} ${Api[K]['path']}`]: Api[K] };
type RouteAt<M extends Method, P extends string> = Routes[`${M} ${P}` & keyof Routes];
type PathFor<M extends Method> = {
  [K in keyof Api]: Api[K]['method'] extends M ? Api[K]['path'] : never;
}[keyof Api];
type Part<R, K extends string, As extends string, Opt extends boolean> = R extends {
  [k in K]: infer S extends TSchema;
}
  ? Opt extends true
    ? { [a in As]?: Static<S> }
    : { [a in As]: Static<S> }
  : unknown;
/** `params` fill the path's `:names`; `query` becomes the query string; `body` is sent as JSON. */
export type Input<R> = Part<R, 'params', 'params', false> &
  Part<R, 'query', 'query', true> &
  Part<R, 'body', 'body', false>;
export type Output<R> = R extends { responses: infer Rs }
  ? Static<Extract<Rs[Extract<keyof Rs, 200 | 201 | 202 | 204>], TSchema>>
  : never;
/** The input argument may be left out when a route takes none. */
type Args<R> = Record<never, never> extends Input<R> ? [input?: Input<R>] : [input: Input<R>];

/** `/api/cells/:id` with `{ id: 'a.b.c' }` → `/api/cells/a.b.c`; `query` values appended, undefined ones left out. */
export function urlOf(path: string, input: { params?: object; query?: object } = {}): string {
  const params = (input.params ?? {}) as Record<string, string | number>;
  const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name])));
  const q = Object.entries((input.query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return q.length === 0 ? filled : `${filled}?${new URLSearchParams(q.map(([k, v]) => [k, String(v)]))}`;
}

/** A call of one method: `api.get('/api/cells/:id', { params: { id } })`. */
type Caller<M extends Method> = <P extends PathFor<M>>(
  path: P,
  ...args: Args<RouteAt<M, P>>
) => Promise<Output<RouteAt<M, P>>>;

function caller<M extends Method>(method: M): Caller<M> {
  const send = (path: string, input: { params?: object; query?: object; body?: unknown } = {}) =>
    request(
      method,
      urlOf(path, input),
      method === 'GET' || method === 'DELETE' ? undefined : (input.body ?? {}),
    );
  return send as Caller<M>;
}

export const api = {
  get: caller('GET'),
  post: caller('POST'),
  put: caller('PUT'),
  patch: caller('PATCH'),
  del: caller('DELETE'),
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
