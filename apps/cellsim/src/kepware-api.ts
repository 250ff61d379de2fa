// An emulated Kepware Configuration API (issue 17): the event log route only,
// `GET /config/v1/event_log?limit=&start=&end=` behind HTTP Basic, answering a JSON array of
// `{ timestamp, event, source, message }` as PTC's SDK and a third-party integration read it
// (timestamps `YYYY-MM-DDTHH:mm:ss.sss`, UTC, no zone). The messages for client certificates
// follow the OPC UA Configuration Manager's wording (research opcua-diagnosis.md §8; uncertain).
// Given a cell, the log follows its rejected folder (rejected, then trusted once it has left).
// Faults for the agent's HTTP wrapper are queued per request: a 429 with Retry-After, a 503, a
// body that is not JSON, JSON that is not an event log, a body far over any sane cap.
import { X509Certificate } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningCell } from './types.ts';

export interface KepwareLogEntry {
  readonly timestamp: string;
  readonly event: 'Information' | 'Warning' | 'Error' | 'Security';
  readonly source: string;
  readonly message: string;
}

export type KepwareApiFault = '429' | '503' | 'not-json' | 'not-an-array' | 'huge';

export interface KepwareConfigApi {
  /** The API's base, `http://127.0.0.1:<port>` (what `eventLog.url` holds). */
  readonly url: string;
  /** Every request seen: path with query, and whether its credentials were right. */
  readonly requests: { readonly path: string; readonly authorized: boolean; readonly at: number }[];
  /** Appends a raw entry. */
  log(entry: KepwareLogEntry): void;
  /** Kepware's line for a client certificate it refused. */
  rejected(certificateName: string, at?: number): void;
  /** Kepware's line for a client certificate trusted in the Configuration Manager. */
  trusted(certificateName: string, at?: number): void;
  /** Faults for the next requests, in order (each used once). */
  fail(...faults: KepwareApiFault[]): void;
  close(): Promise<void>;
}

const kepwareTime = (ms: number) => new Date(ms).toISOString().slice(0, 23);
const parseTime = (s: string | null) => (s ? Date.parse(`${s.replace(/Z$/, '')}Z`) : Number.NaN);

export interface KepwareConfigApiOptions {
  readonly user: string;
  readonly password: string;
  /**
   * A strict-PKI cell whose rejected folder this log follows, as Kepware's would: a certificate
   * that lands there is logged "rejected" (under its common name) when the log is next read, and
   * "trusted" once it has left the folder.
   */
  readonly cell?: Pick<RunningCell, 'rejectedClientCertificates'>;
}

export async function startKepwareConfigApi(o: KepwareConfigApiOptions): Promise<KepwareConfigApi> {
  const entries: KepwareLogEntry[] = [];
  const faults: KepwareApiFault[] = [];
  const requests: { path: string; authorized: boolean; at: number }[] = [];
  const expected = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`;

  const server = createServer((req, res) => {
    const authorized = req.headers.authorization === expected;
    requests.push({ path: req.url ?? '', authorized, at: Date.now() });
    const url = new URL(req.url ?? '/', 'http://kepware');
    if (req.method !== 'GET' || url.pathname !== '/config/v1/event_log')
      return reply(res, 404, { code: 404, message: 'Not Found' });
    if (!authorized)
      return reply(
        res,
        401,
        { code: 401, message: 'Unauthorized' },
        { 'www-authenticate': 'Basic realm="Kepware"' },
      );
    const fault = faults.shift();
    if (fault) return faulty(fault, res);
    follow()
      .catch(() => undefined)
      .then(() => answer(url, res));
  });

  /** Rejected-folder certificates seen so far, by DER (hex), with their common name. */
  const seen = new Map<string, string>();
  async function follow(): Promise<void> {
    if (!o.cell) return;
    const now = new Set<string>();
    for (const der of await o.cell.rejectedClientCertificates()) {
      const key = der.toString('hex');
      now.add(key);
      if (seen.has(key)) continue;
      const name = commonName(der);
      seen.set(key, name);
      entries.push(certificateLine(name, Date.now(), 'rejected'));
    }
    for (const [key, name] of seen)
      if (!now.has(key)) {
        seen.delete(key);
        entries.push(certificateLine(name, Date.now(), 'trusted'));
      }
  }

  function answer(url: URL, res: ServerResponse): void {
    const limit = Math.max(1, Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, 10_000));
    const start = parseTime(url.searchParams.get('start'));
    const end = parseTime(url.searchParams.get('end'));
    const inRange = entries.filter((e) => {
      const at = parseTime(e.timestamp);
      return (Number.isNaN(start) || at >= start) && (Number.isNaN(end) || at <= end);
    });
    reply(res, 200, inRange.slice(-limit));
  }

  function faulty(fault: KepwareApiFault, res: ServerResponse): void {
    if (fault === '429') reply(res, 429, { code: 429, message: 'Server busy' }, { 'retry-after': '1' });
    else if (fault === '503') reply(res, 503, { code: 503, message: 'Service Unavailable' });
    else if (fault === 'not-an-array') reply(res, 200, { code: 200, message: 'OK' });
    else if (fault === 'not-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html><body>Configuration API Service</body></html>');
    } else flood(res);
  }

  /** 64 MiB of plausible entries, written as fast as the reader takes them, until it hangs up. */
  function flood(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    const entry = {
      timestamp: kepwareTime(Date.now()),
      event: 'Information',
      source: 'x',
      message: 'y'.repeat(1000),
    };
    const chunk = Buffer.from(`${JSON.stringify(entry)},`.repeat(64));
    let sent = 0;
    res.write('[');
    const pump = () => {
      while (sent < 64 * 1024 * 1024 && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end(`${JSON.stringify(entry)}]`);
    };
    pump();
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const add = (e: KepwareLogEntry) => entries.push(e);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    log: add,
    rejected: (name, at = Date.now()) => add(certificateLine(name, at, 'rejected')),
    trusted: (name, at = Date.now()) => add(certificateLine(name, at, 'trusted')),
    fail: (...f) => faults.push(...f),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Kepware's line when a UA client certificate is rejected or trusted (wording uncertain). */
function certificateLine(name: string, at: number, what: 'rejected' | 'trusted'): KepwareLogEntry {
  const rejected = what === 'rejected';
  return {
    timestamp: kepwareTime(at),
    event: 'Security',
    source: rejected ? 'OPC UA Server' : 'OPC UA Configuration Manager',
    message: `The UA Client certificate '${name}' has been ${what}. The server ${rejected ? 'cannot' : 'can'} accept connections from the client.`,
  };
}

function commonName(der: Buffer): string {
  try {
    const subject = new X509Certificate(der).subject;
    return /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1]?.trim() ?? subject;
  } catch {
    return 'unreadable certificate';
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
