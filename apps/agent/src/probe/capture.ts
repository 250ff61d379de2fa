// Records the probe's own OPC UA connections for a pcapng file (issue 17): both directions of
// every socket the probe opens (found like the tap's, through `net.client.socket`), split into
// OPC UA chunks (Part 6 §7.1.2) so that each chunk becomes one TCP segment. The handshake is
// kept whole (HEL, ACK, ERR, OPN, CLO, up to 64 KiB each); a MSG chunk keeps only its first
// 32 bytes (message header, channel, token, sequence and request ids, the service's type id):
// Wireshark names the service, and user tokens, passwords and values never enter the file.
// Configured secrets are also blanked wherever they would appear. Bytes that are not OPC UA
// are kept up to 256 per read. The whole capture is capped (1 MiB kept, 20,000 chunks).
import type { Socket } from 'node:net';
import type { CaptureConnection, CaptureSegment } from '@cellfleet/core';
import { HEADER_SIZE, MESSAGE_TYPES, readHeader } from '../opcua/uacp.ts';

export const CAPTURE_LIMITS = {
  /** Bytes kept of each MSG chunk. */
  msgBytes: 32,
  /** Bytes kept of each handshake chunk (HEL/ACK/ERR/OPN/CLO; certificates are public). */
  handshakeBytes: 64 * 1024,
  /** Bytes kept of each read of something that is not OPC UA. */
  foreignBytes: 256,
  /** Bytes kept over the whole capture. */
  totalBytes: 1024 * 1024,
  /** Chunks recorded over the whole capture (a server sending tiny chunks cannot grow the list). */
  segments: 20_000,
} as const;

export interface ProbeCapture {
  attach(socket: Socket): void;
  connections(): CaptureConnection[];
}

const micros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** The stream internals every write goes through (node:stream Writable). */
interface Internal {
  _write(chunk: unknown, encoding: unknown, cb: unknown): unknown;
  _writev?(chunks: { chunk: unknown; encoding: unknown }[], cb: unknown): unknown;
}

interface Conn {
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  readonly openedAt: number;
  closedAt?: number;
  readonly segments: CaptureSegment[];
}

export function createCapture(o: { secrets?: readonly string[] } = {}): ProbeCapture {
  const conns: Conn[] = [];
  const budget = { left: CAPTURE_LIMITS.totalBytes };
  let count = 0;
  const secrets = (o.secrets ?? []).filter((s) => s.length > 0).map((s) => Buffer.from(s, 'utf8'));
  return {
    attach(socket) {
      const conn: Conn = {
        client: { ip: '0.0.0.0', port: 0 },
        server: { ip: socket.remoteAddress ?? '0.0.0.0', port: socket.remotePort ?? 0 },
        openedAt: micros(),
        segments: [],
      };
      conns.push(conn);
      const keep = (seg: CaptureSegment) => {
        if (count++ < CAPTURE_LIMITS.segments) conn.segments.push({ ...seg, data: blank(seg.data, secrets) });
      };
      const up = chunker(true, keep, budget);
      const down = chunker(false, keep, budget);
      socket.once('connect', () => {
        conn.client = { ip: socket.localAddress ?? '0.0.0.0', port: socket.localPort ?? 0 };
        conn.server = { ip: socket.remoteAddress ?? conn.server.ip, port: socket.remotePort ?? 0 };
      });
      socket.on('data', (chunk: Buffer) => down.push(chunk));
      socket.once('close', () => {
        up.close();
        down.close();
        conn.closedAt = micros();
      });
      // Node replaces an instance's `write` once it connects; the stream's own `_write` and
      // `_writev` (what every write reaches, in order) are hooked instead.
      const sock = socket as unknown as Internal;
      const record = (chunk: unknown, encoding?: unknown) => {
        if (typeof chunk === 'string')
          up.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
        else if (chunk instanceof Uint8Array)
          up.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      };
      const write = sock._write;
      const writev = sock._writev;
      sock._write = function (this: unknown, chunk, encoding, cb) {
        record(chunk, encoding);
        return write.call(this, chunk, encoding, cb);
      };
      if (writev) {
        sock._writev = function (this: unknown, chunks, cb) {
          for (const c of chunks) record(c.chunk, c.encoding);
          return writev.call(this, chunks, cb);
        };
      }
    },
    // A socket that never carried a byte (a refused connect, the tcp rung's test) is left out.
    connections: () =>
      conns
        .filter((c) => c.segments.length > 0)
        .map((c) => ({
          client: c.client,
          server: c.server,
          openedAt: c.openedAt,
          segments: [...c.segments],
          ...(c.closedAt !== undefined ? { closedAt: c.closedAt } : {}),
          comment: `real endpoint ${c.server.ip}:${c.server.port}, client ${c.client.ip}:${c.client.port}`,
        })),
  };
}

/** Splits one direction's byte stream into OPC UA chunks, keeping what CAPTURE_LIMITS allow. */
export function chunker(
  fromClient: boolean,
  emit: (s: CaptureSegment) => void,
  budget: { left: number },
): { push(chunk: Buffer): void; close(): void } {
  let header = Buffer.alloc(0);
  let frame:
    | { at: number; size: number; left: number; cap: number; kept: Buffer[]; keptLen: number }
    | undefined;
  let foreign = false;
  const take = (b: Buffer, cap: number): Buffer => {
    const n = Math.max(0, Math.min(b.length, cap, budget.left));
    budget.left -= n;
    return Buffer.from(b.subarray(0, n));
  };
  const raw = (b: Buffer) => {
    if (b.length > 0)
      emit({ at: micros(), fromClient, data: take(b, CAPTURE_LIMITS.foreignBytes), length: b.length });
  };
  const finish = (length: number) => {
    const f = frame;
    frame = undefined;
    if (f) emit({ at: f.at, fromClient, data: Buffer.concat(f.kept), length });
  };
  return {
    push(chunk) {
      let rest = chunk;
      while (rest.length > 0) {
        if (foreign) return raw(rest);
        if (!frame) {
          const need = HEADER_SIZE - header.length;
          header = Buffer.concat([header, rest.subarray(0, need)]);
          rest = rest.subarray(need);
          if (header.length < HEADER_SIZE) return;
          const read = readHeader(header);
          const h = read.ok ? read.header : undefined;
          if (!h || !(MESSAGE_TYPES as readonly string[]).includes(h.type) || h.size < HEADER_SIZE) {
            foreign = true;
            raw(Buffer.concat([header, rest]));
            return;
          }
          const cap = h.type === 'MSG' ? CAPTURE_LIMITS.msgBytes : CAPTURE_LIMITS.handshakeBytes;
          const kept = take(header, cap);
          frame = {
            at: micros(),
            size: h.size,
            left: h.size - HEADER_SIZE,
            cap,
            kept: [kept],
            keptLen: kept.length,
          };
          header = Buffer.alloc(0);
          if (frame.left === 0) finish(frame.size);
          continue;
        }
        const n = Math.min(frame.left, rest.length);
        const kept = take(rest.subarray(0, n), frame.cap - frame.keptLen);
        frame.kept.push(kept);
        frame.keptLen += kept.length;
        frame.left -= n;
        rest = rest.subarray(n);
        if (frame.left === 0) finish(frame.size);
      }
    },
    close() {
      if (frame) finish(frame.size - frame.left);
      else if (header.length > 0) raw(header);
    },
  };
}

/** Every occurrence of a secret overwritten with '*' (belt and braces: the caps keep them out). */
export function blank(data: Uint8Array, secrets: readonly Buffer[]): Uint8Array {
  if (secrets.length === 0) return data;
  const out = Buffer.from(data);
  for (const s of secrets) {
    for (let i = out.indexOf(s); i >= 0; i = out.indexOf(s, i + s.length)) out.fill(0x2a, i, i + s.length);
  }
  return out;
}
