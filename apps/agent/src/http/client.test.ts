import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHttpClient, HttpError } from './client.ts';
import { fullJitter, parseRetryAfter, rateLimitWait } from './retry.ts';

type Step = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on port 0 that answers each request with the next scripted step. */
let server: Server;
let base: string;
let script: Step[] = [];
const seen: { url: string; auth: string | undefined; at: number }[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, at: Date.now() });
    const step = script.shift() ?? ((_q, r) => json(r, { ok: true }));
    step(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const status =
  (code: number, headers: Record<string, string> = {}): Step =>
  (_q, r) => {
    r.writeHead(code, headers);
    r.end('{"code":' + code + '}');
  };
const PASSWORD = 'Ev3nt-Log-Secret';

function run(s: Step[]) {
  script = s;
  seen.length = 0;
}

describe('the shared HTTP wrapper against a real server', () => {
  test('a 429 with Retry-After in seconds is honoured, then the answer is read', async () => {
    run([status(429, { 'retry-after': '1' }), (_q, r) => json(r, [1, 2])]);
    const http = createHttpClient({ policy: { baseDelayMs: 1 } });
    const t0 = performance.now();
    assert.deepEqual(await http.getJson({ url: `${base}/x` }), [1, 2]);
    const waited = performance.now() - t0;
    assert.equal(seen.length, 2);
    assert.ok(waited >= 950, `waited ${waited} ms for Retry-After: 1`);
    const gap = (seen[1]?.at ?? 0) - (seen[0]?.at ?? 0);
    assert.ok(gap >= 950, `second request ${gap} ms after the first`);
  });

  test('503s are retried with full-jitter backoff (random 0: no wait), bounded by attempts', async () => {
    run([status(503), status(503), (_q, r) => json(r, { fine: 1 })]);
    const http = createHttpClient({ random: () => 0 });
    assert.deepEqual(await http.getJson({ url: `${base}/y` }), { fine: 1 });
    assert.equal(seen.length, 3);
    run([status(503), status(503), status(503), status(503), status(503)]);
    const err = await http.getJson({ url: `${base}/y` }).catch((e: unknown) => e);
    assert.ok(err instanceof HttpError);
    assert.match(err.message, /^GET http:\/\/127\.0\.0\.1:\d+\/y: HTTP 503 .*gave up after 4 attempt/);
    assert.equal(seen.length, 4, 'four attempts, no more');
  });

  test('a Retry-After longer than the wrapper may wait fails at once, naming the wait', async () => {
    run([status(429, { 'retry-after': '3600' })]);
    const t0 = performance.now();
    const err = await createHttpClient()
      .getJson({ url: `${base}/z` })
      .catch((e: unknown) => e);
    assert.ok(err instanceof HttpError && err.status === 429);
    assert.match(err.message, /asked to wait 3600 s, more than 30 s/);
    assert.ok(performance.now() - t0 < 5000);
    assert.equal(seen.length, 1);
  });

  test('401 is not retried; Basic credentials are sent, never echoed in the error', async () => {
    run([status(401)]);
    const err = await createHttpClient()
      .getJson({
        url: `${base}/config/v1/event_log?limit=5`,
        basic: { user: 'cellfleet', password: PASSWORD },
      })
      .catch((e: unknown) => e);
    assert.ok(err instanceof HttpError && err.status === 401);
    assert.match(err.message, /^GET http:\/\/127\.0\.0\.1:\d+\/config\/v1\/event_log: HTTP 401/);
    assert.equal(seen.length, 1);
    const sent = Buffer.from((seen[0]?.auth ?? '').replace(/^Basic /, ''), 'base64').toString();
    assert.equal(sent, `cellfleet:${PASSWORD}`);
    assert.ok(!err.message.includes(PASSWORD) && !String(err.stack).includes(PASSWORD));
    const b64 = Buffer.from(`cellfleet:${PASSWORD}`).toString('base64');
    assert.ok(!JSON.stringify(err).includes(b64));
  });

  test('a body that is not JSON is an error naming the endpoint', async () => {
    run([
      (_q, r) => {
        r.writeHead(200, { 'content-type': 'application/json' });
        r.end('<html>login</html>');
      },
    ]);
    const err = await createHttpClient()
      .getJson({ url: `${base}/bad` })
      .catch((e: unknown) => e);
    assert.ok(err instanceof HttpError);
    assert.match(
      err.message,
      /GET http:\/\/127\.0\.0\.1:\d+\/bad: the body is not JSON .*starts "<html>login/,
    );
  });

  test('a huge body is cut off at the cap, streamed or announced', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    run([
      (_q, r) => {
        r.writeHead(200, { 'content-type': 'application/json' });
        let n = 0;
        const pump = () => {
          while (n++ < 64) if (!r.write(chunk)) return void r.once('drain', pump);
          r.end();
        };
        pump();
      },
      (_q, r) => {
        r.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
        r.write('[');
      },
    ]);
    const http = createHttpClient({ policy: { maxBodyBytes: 256 * 1024 } });
    await assert.rejects(http.getJson({ url: `${base}/huge` }), /response body is over the 262144-byte cap/);
    await assert.rejects(
      http.getJson({ url: `${base}/huge` }),
      /response body of 52428800 bytes is over the 262144-byte cap/,
    );
  });

  test('a server that never answers times out per attempt and the call ends by its deadline', async () => {
    run([() => undefined, () => undefined, () => undefined]);
    const t0 = performance.now();
    const err = await createHttpClient({ policy: { timeoutMs: 150, attempts: 2 }, random: () => 0 })
      .getJson({ url: `${base}/silent` })
      .catch((e: unknown) => e);
    assert.ok(err instanceof HttpError);
    assert.match(err.message, /no answer within 150 ms/);
    assert.equal(seen.length, 2);
    assert.ok(performance.now() - t0 < 5000);
  });

  test('an exhausted rate limit on a success delays the next request to that server', async () => {
    run([
      (_q, r) => json(r, 1, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }),
      (_q, r) => json(r, 2),
    ]);
    const http = createHttpClient();
    assert.equal(await http.getJson({ url: `${base}/a` }), 1);
    assert.equal(await http.getJson({ url: `${base}/a` }), 2);
    const gap = (seen[1]?.at ?? 0) - (seen[0]?.at ?? 0);
    assert.ok(gap >= 950, `the second request came ${gap} ms after the first`);
  });

  test('a URL with credentials in it is refused before anything is sent', async () => {
    run([]);
    await assert.rejects(
      createHttpClient().getJson({ url: `http://u:${PASSWORD}@127.0.0.1:1/x` }),
      (e: Error) => /credentials do not belong in the URL/.test(e.message) && !e.message.includes(PASSWORD),
    );
    assert.equal(seen.length, 0);
  });
});

describe('retry headers', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  test('Retry-After: seconds, HTTP-date, past date, garbage', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Sat, 05 Dec 2026 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sat, 05 Dec 2026 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('-5', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
  test('rate-limit headers: delta, epoch, structured, quota left', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    assert.equal(rateLimitWait(h({ 'ratelimit-remaining': '0', 'ratelimit-reset': '7' }), now), 7000);
    assert.equal(
      rateLimitWait(h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 9) }), now),
      9000,
    );
    assert.equal(rateLimitWait(h({ ratelimit: 'limit=10, remaining=0, reset=4' }), now), 4000);
    assert.equal(rateLimitWait(h({ ratelimit: '"default";r=0;t=3' }), now), 3000);
    assert.equal(
      rateLimitWait(h({ 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '7' }), now),
      undefined,
    );
  });
  test('full jitter stays within [0, min(cap, base × 2^attempt))', () => {
    const b = { baseMs: 100, capMs: 1000 };
    assert.equal(
      fullJitter(0, b, () => 0.999),
      99,
    );
    assert.equal(
      fullJitter(3, b, () => 0.5),
      400,
    );
    assert.equal(
      fullJitter(10, b, () => 0.999),
      999,
    );
    assert.equal(
      fullJitter(2, b, () => 0),
      0,
    );
  });
});
