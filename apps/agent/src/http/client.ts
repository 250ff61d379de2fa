// The agent's one wrapper around HTTP APIs it reads on the plant network (the Kepware
// Configuration API's event log first): Node's own fetch (undici), so no new dependency. Every
// request is bounded — attempts, a timeout per attempt, a deadline for the whole call, a cap on
// the body — and retried only when that can help (a network error, 429, 502/503/504), waiting as
// the server asks (retry.ts) or with full-jitter backoff. A server that asks for a longer wait
// than the deadline allows is an error, not a hang. What the server sends is hostile: a body
// over the cap is cut off, a body that is not JSON is an error naming the endpoint. Credentials
// go in the Authorization header only, never in a URL, a message or a log line.
import { AgentError } from '../errors.ts';
import { fullJitter, parseRetryAfter, RETRYABLE_STATUS, rateLimitWait } from './retry.ts';

export interface HttpPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** Per attempt: connect, headers and body. */
  readonly timeoutMs: number;
  /** For the whole call, waits included. */
  readonly deadlineMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest `Retry-After` / rate-limit wait honoured; a longer one fails the call. */
  readonly maxServerWaitMs: number;
  readonly maxBodyBytes: number;
}

export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  attempts: 4,
  timeoutMs: 5000,
  deadlineMs: 15_000,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  maxServerWaitMs: 30_000,
  maxBodyBytes: 1024 * 1024,
};

export interface HttpClientDeps {
  readonly policy?: Partial<HttpPolicy>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface GetJson {
  readonly url: string;
  /** HTTP Basic credentials; the password is never part of an error or a log line. */
  readonly basic?: { readonly user: string; readonly password: string };
}

export interface HttpClient {
  /** GET and parse JSON; throws an `HttpError` that names the endpoint. */
  getJson(req: GetJson): Promise<unknown>;
}

/** A failed call, by endpoint (`GET http://host:port/path`): its message is safe to log. */
export class HttpError extends AgentError {
  readonly endpoint: string;
  readonly status?: number;
  constructor(endpoint: string, reason: string, status?: number) {
    super('io', `${endpoint}: ${reason}`);
    this.name = 'HttpError';
    this.endpoint = endpoint;
    if (status !== undefined) this.status = status;
  }
}

export function createHttpClient(deps: HttpClientDeps = {}): HttpClient {
  const policy = { ...DEFAULT_HTTP_POLICY, ...deps.policy };
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  /** Per origin: no request before this time (a server's Retry-After or exhausted quota). */
  const notBefore = new Map<string, number>();

  async function getJson(req: GetJson): Promise<unknown> {
    const url = parseUrl(req.url);
    const endpoint = `GET ${url.origin}${url.pathname}`;
    const deadline = now() + policy.deadlineMs;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.basic) {
      const pair = `${req.basic.user}:${req.basic.password}`;
      headers['authorization'] = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    }
    let last = 'no attempt was made';
    let lastStatus: number | undefined;
    for (let attempt = 0; attempt < policy.attempts; attempt++) {
      const wait = Math.max(0, (notBefore.get(url.origin) ?? 0) - now());
      if (wait > 0) {
        if (now() + wait > deadline)
          throw new HttpError(endpoint, `${last}; the server asked to wait ${secs(wait)}, past the deadline`);
        await sleep(wait);
      }
      const left = deadline - now();
      if (left <= 0) break;
      const outcome = await once(url, headers, Math.min(policy.timeoutMs, left), endpoint);
      if (outcome.kind === 'ok') {
        remember(url.origin, rateLimitWait(outcome.headers, now()));
        return parseJson(outcome.body, endpoint);
      }
      last = outcome.reason;
      lastStatus = outcome.status;
      if (!outcome.retry || attempt === policy.attempts - 1) break;
      const asked = outcome.headers
        ? (parseRetryAfter(outcome.headers.get('retry-after'), now()) ??
          rateLimitWait(outcome.headers, now()))
        : undefined;
      if (asked !== undefined && asked > policy.maxServerWaitMs)
        throw new HttpError(
          endpoint,
          `${last}; the server asked to wait ${secs(asked)}, more than ${secs(policy.maxServerWaitMs)}`,
          outcome.status,
        );
      const delay =
        asked ?? fullJitter(attempt, { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs }, random);
      notBefore.set(url.origin, now() + delay);
    }
    throw new HttpError(
      endpoint,
      `${last} (gave up after ${policy.attempts} attempt(s) or ${secs(policy.deadlineMs)})`,
      lastStatus,
    );
  }

  function remember(origin: string, wait: number | undefined): void {
    if (wait !== undefined && wait > 0) notBefore.set(origin, now() + Math.min(wait, policy.maxServerWaitMs));
    else notBefore.delete(origin);
  }

  type Outcome =
    | { kind: 'ok'; body: Uint8Array; headers: Headers }
    | { kind: 'fail'; reason: string; retry: boolean; status?: number; headers?: Headers };

  async function once(
    url: URL,
    headers: Record<string, string>,
    ms: number,
    endpoint: string,
  ): Promise<Outcome> {
    const signal = AbortSignal.timeout(ms);
    let res: Response;
    try {
      // redirect 'error': a redirect could carry the Basic credentials to another origin.
      res = await fetch(url, { method: 'GET', headers, signal, redirect: 'error' });
    } catch (err) {
      // A redirect is refused, not retried: trying again would meet the same redirect.
      const redirected = /redirect/i.test(String((err as Error).cause ?? (err as Error).message));
      return { kind: 'fail', reason: networkReason(err, ms), retry: !redirected };
    }
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => undefined);
      const reason = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      return {
        kind: 'fail',
        reason,
        retry: RETRYABLE_STATUS.has(res.status),
        status: res.status,
        headers: res.headers,
      };
    }
    try {
      return { kind: 'ok', body: await readCapped(res, policy.maxBodyBytes, endpoint), headers: res.headers };
    } catch (err) {
      if (err instanceof HttpError) throw err;
      return { kind: 'fail', reason: networkReason(err, ms), retry: true };
    }
  }

  return { getJson };
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AgentError('usage', `"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AgentError('usage', `${url.origin}: only http:// and https:// are read`);
  if (url.username || url.password)
    throw new AgentError(
      'usage',
      `${url.protocol}//${url.host}${url.pathname}: credentials do not belong in the URL`,
    );
  return url;
}

/** The body, refused past `max` bytes (announced or counted), so a hostile server cannot fill memory. */
async function readCapped(res: Response, max: number, endpoint: string): Promise<Uint8Array> {
  const announced = Number(res.headers.get('content-length') ?? Number.NaN);
  if (announced > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new HttpError(endpoint, `response body of ${announced} bytes is over the ${max}-byte cap`);
  }
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(endpoint, `response body is over the ${max}-byte cap`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Uint8Array, endpoint: string): unknown {
  const text = Buffer.from(body)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (err) {
    const snippet = JSON.stringify(text.slice(0, 60));
    throw new HttpError(endpoint, `the body is not JSON (${(err as Error).message}; starts ${snippet})`);
  }
}

function networkReason(err: unknown, ms: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${ms} ms`;
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;
