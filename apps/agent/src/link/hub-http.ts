// The agent's HTTP(S) requests to the hub's API: the token exchange at enrollment and the
// download of a signed build for upgrade-agent (issue 14).
//
// What crosses carries a secret (the agent's new credentials, its Basic credentials), so the
// channel must be the hub's: HTTPS verified against the system's CAs, a CA file (--hub-ca), or a
// pinned SHA-256 fingerprint of the hub's certificate (--hub-fingerprint, for a self-signed hub:
// the handshake is checked against the pin before a byte of the request is sent). Plain http://
// is refused except to this machine itself.
import { readFileSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { AgentError } from '../errors.ts';

/** Where the hub's API is and how its certificate is checked. */
export interface HubApi {
  /** The hub's HTTP(S) address, e.g. https://hub.plant1:8080. */
  readonly url: string;
  /** SHA-256 of the hub's certificate (hex, colons optional), instead of a CA. */
  readonly fingerprint?: string;
  /** PEM file of the CA that signed the hub's certificate. */
  readonly caFile?: string;
}

/** `AB:CD:…` or `abcd…`, optionally prefixed `sha256:` → 64 upper-case hex digits, or undefined. */
export function normalizeFingerprint(value: string): string | undefined {
  const hex = value
    .trim()
    .replace(/^sha-?256[:/=]?/i, '')
    .replace(/[:\s]/g, '')
    .toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex : undefined;
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

export function parseHubUrl(hub: string): URL {
  let url: URL;
  try {
    url = new URL(hub);
  } catch {
    throw new AgentError('usage', `--hub "${hub}" is not a URL (expected https://host:port)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AgentError('usage', `--hub "${hub}" must start with https:// (the hub's API, not its broker)`);
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    throw new AgentError(
      'usage',
      `--hub "${hub}": plain http would carry the agent's new secret in clear; use https:// (with --hub-fingerprint or --hub-ca for the hub's own certificate)`,
    );
  return url;
}

/** Opens the connection and, for HTTPS, checks the hub's certificate before anything is sent. */
async function open(url: URL, o: HubApi, timeoutMs: number): Promise<Socket> {
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const pin = o.fingerprint === undefined ? undefined : normalizeFingerprint(o.fingerprint);
  if (o.fingerprint !== undefined && !pin)
    throw new AgentError('usage', `--hub-fingerprint "${o.fingerprint}" is not a SHA-256 (64 hex digits)`);
  const ca = o.caFile ? readCa(o.caFile) : undefined;
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new AgentError('io', `${url.origin} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (err?: Error) => {
      clearTimeout(timer);
      if (err) fail(err);
      else resolve(socket);
    };
    let socket: Socket;
    if (url.protocol === 'http:') {
      socket = tcpConnect({ host, port }, () => done());
    } else {
      const tls: TLSSocket = tlsConnect(
        {
          host,
          port,
          ...(isIP(host) ? {} : { servername: host }),
          ...(ca ? { ca } : {}),
          // A pinned certificate stands in for the CA check: it is checked below, before sending.
          rejectUnauthorized: pin === undefined,
        },
        () => {
          if (pin === undefined) return done();
          const seen = normalizeFingerprint(tls.getPeerCertificate().fingerprint256 ?? '');
          if (seen === pin) return done();
          done(
            new AgentError(
              'io',
              `the hub's certificate has SHA-256 fingerprint ${seen ?? 'unknown'}, not the pinned ${pin}: refusing to send the token`,
            ),
          );
        },
      );
      socket = tls;
    }
    socket.once('error', (err) =>
      done(new AgentError('io', `${url.origin}: ${err.message}`, { cause: err })),
    );
  });
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new AgentError('usage', `--hub-ca ${file}: ${(err as Error).message}`);
  }
}

export interface HubRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string | number>;
  readonly body?: string;
  readonly timeoutMs?: number;
}

/** Sends one request over a checked connection; resolves with the response (its body unread). */
export async function hubRequest(api: HubApi, r: HubRequest): Promise<IncomingMessage> {
  const url = parseHubUrl(api.url);
  const timeoutMs = r.timeoutMs ?? 30_000;
  const socket = await open(url, api, timeoutMs);
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: new URL(r.path, url).pathname,
        method: r.method,
        headers: {
          ...r.headers,
          ...(r.body === undefined ? {} : { 'content-length': Buffer.byteLength(r.body) }),
        },
        createConnection: () => socket,
        timeout: timeoutMs,
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new AgentError('io', `${url.origin}: ${err.message}`, { cause: err })));
    req.end(r.body);
  });
}

/** Reads a whole (small) answer; refuses one larger than `maxBytes`. */
export async function readAll(res: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > maxBytes) {
      res.destroy();
      throw new AgentError('io', `the hub's answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}
