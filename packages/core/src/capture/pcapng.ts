// A probe's own OPC UA connections as a pcapng file Wireshark opens (issue 17). The agent
// records the bytes it sent and received on each TCP connection; this pure encoder wraps them
// in synthetic Ethernet/IPv4/TCP framing: a three-way handshake, one TCP segment per recorded
// OPC UA chunk with consistent sequence numbers, and a FIN at the end. A chunk the agent kept
// only in part is written as a truncated packet (captured length < original length, as a
// capture with a snap length would), so the TCP stream stays consistent.
//
// Formats: pcapng (IETF draft-ietf-opsawg-pcapng: Section Header, Interface Description and
// Enhanced Packet Blocks, little-endian, microsecond timestamps), Ethernet II (LINKTYPE 1),
// IPv4 (RFC 791, header checksum), TCP (RFC 9293). The server side is written on port 4840,
// where Wireshark's OPC UA dissector listens by default (it has no heuristic); the real
// address goes into the comments.

export interface CaptureSegment {
  /** Microseconds since the epoch. */
  readonly at: number;
  readonly fromClient: boolean;
  /** The bytes kept (all of them, or the start of a capped chunk). */
  readonly data: Uint8Array;
  /** The chunk's real length on the wire (≥ data.length). */
  readonly length: number;
}

export interface CaptureConnection {
  readonly client: { readonly ip: string; readonly port: number };
  readonly server: { readonly ip: string; readonly port: number };
  /** Microseconds since the epoch. */
  readonly openedAt: number;
  readonly closedAt?: number;
  readonly segments: readonly CaptureSegment[];
  /** Written on the connection's first packet (`the real endpoint was …`). */
  readonly comment?: string;
}

export interface CaptureFile {
  readonly connections: readonly CaptureConnection[];
  /** The file's comment: what was probed, and how bodies were capped. */
  readonly comment?: string;
  /** The server port written in the framing (default 4840, Wireshark's OPC UA port). */
  readonly serverPort?: number;
}

export const OPCUA_PORT = 4840;
const ETH = 14;
const IP = 20;
const TCP = 20;
const HEADERS = ETH + IP + TCP;
/** Largest payload of one synthetic segment (an IPv4 total length fits in 16 bits). */
const MAX_PAYLOAD = 65_000;
const FLAG = { fin: 0x01, syn: 0x02, psh: 0x08, ack: 0x10 } as const;

interface Packet {
  readonly at: number;
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly comment?: string;
}

export function encodePcapng(file: CaptureFile): Uint8Array {
  const port = file.serverPort ?? OPCUA_PORT;
  const packets = file.connections.flatMap((c) => connectionPackets(c, port)).sort((a, b) => a.at - b.at);
  const blocks = [sectionHeader(file.comment), interfaceDescription(), ...packets.map(enhancedPacket)];
  return concat(blocks);
}

function connectionPackets(c: CaptureConnection, serverPort: number): Packet[] {
  const out: Packet[] = [];
  const cli = { ip: ipv4(c.client.ip, 1), port: c.client.port };
  const srv = { ip: ipv4(c.server.ip, 2), port: serverPort };
  // Initial sequence numbers are arbitrary (RFC 9293 §3.4.1); fixed ones keep the file stable.
  let cSeq = 1000;
  let sSeq = 5000;
  const send = (o: {
    at: number;
    fromClient: boolean;
    flags: number;
    data?: Uint8Array;
    length?: number;
    comment?: string;
  }) => {
    const data = o.data ?? new Uint8Array(0);
    const length = o.length ?? data.length;
    const [from, to] = o.fromClient ? [cli, srv] : [srv, cli];
    const seq = o.fromClient ? cSeq : sSeq;
    const ack = o.fromClient ? sSeq : cSeq;
    const bytes = frame({ from, to, seq, ack, flags: o.flags, data, length });
    out.push({ at: o.at, bytes, length: HEADERS + length, ...(o.comment ? { comment: o.comment } : {}) });
    const advance = length + (o.flags & (FLAG.syn | FLAG.fin) ? 1 : 0);
    if (o.fromClient) cSeq = (cSeq + advance) >>> 0;
    else sSeq = (sSeq + advance) >>> 0;
  };
  const t0 = c.openedAt;
  send({ at: t0, fromClient: true, flags: FLAG.syn, ...(c.comment ? { comment: c.comment } : {}) });
  // The SYN-ACK acknowledges the SYN: the client's sequence already advanced by one.
  send({ at: t0, fromClient: false, flags: FLAG.syn | FLAG.ack });
  send({ at: t0, fromClient: true, flags: FLAG.ack });
  let last = t0;
  for (const s of c.segments) {
    last = Math.max(last, s.at);
    for (const part of split(s)) {
      send({
        at: s.at,
        fromClient: s.fromClient,
        flags: FLAG.psh | FLAG.ack,
        data: part.data,
        length: part.length,
      });
    }
  }
  const end = Math.max(last, c.closedAt ?? last);
  send({ at: end, fromClient: true, flags: FLAG.fin | FLAG.ack });
  send({ at: end, fromClient: false, flags: FLAG.fin | FLAG.ack });
  send({ at: end, fromClient: true, flags: FLAG.ack });
  return out;
}

/** A chunk longer than one synthetic segment: the kept bytes go first, the rest is lost length. */
function split(s: CaptureSegment): { data: Uint8Array; length: number }[] {
  const out: { data: Uint8Array; length: number }[] = [];
  for (let off = 0; off < s.length; off += MAX_PAYLOAD) {
    const length = Math.min(MAX_PAYLOAD, s.length - off);
    const data = s.data.subarray(Math.min(off, s.data.length), Math.min(off + length, s.data.length));
    out.push({ data, length });
  }
  return out.length > 0 ? out : [{ data: s.data, length: s.length }];
}

interface FrameSpec {
  readonly from: { ip: Uint8Array; port: number };
  readonly to: { ip: Uint8Array; port: number };
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly data: Uint8Array;
  /** Payload length on the wire. */
  readonly length: number;
}

/** Ethernet II + IPv4 + TCP headers and the kept payload. */
export function frame(f: FrameSpec): Uint8Array {
  const b = new Uint8Array(HEADERS + f.data.length);
  const v = new DataView(b.buffer);
  // Ethernet: locally administered addresses (02:…), the last byte telling the sides apart.
  b.set([0x02, 0, 0, 0, 0, f.to.ip[3] ?? 2], 0);
  b.set([0x02, 0, 0, 0, 0, f.from.ip[3] ?? 1], 6);
  v.setUint16(12, 0x0800);
  const ip = ETH;
  b[ip] = 0x45;
  v.setUint16(ip + 2, IP + TCP + f.length);
  v.setUint16(ip + 6, 0x4000); // don't fragment
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  b.set(f.from.ip, ip + 12);
  b.set(f.to.ip, ip + 16);
  v.setUint16(ip + 10, checksum(b.subarray(ip, ip + IP)));
  const tcp = ETH + IP;
  v.setUint16(tcp, f.from.port);
  v.setUint16(tcp + 2, f.to.port);
  v.setUint32(tcp + 4, f.seq >>> 0);
  v.setUint32(tcp + 8, f.flags & FLAG.ack ? f.ack >>> 0 : 0);
  b[tcp + 12] = (TCP / 4) << 4;
  b[tcp + 13] = f.flags;
  v.setUint16(tcp + 14, 65_535);
  b.set(f.data, HEADERS);
  // The TCP checksum covers the whole payload: written only when all of it was kept
  // (Wireshark does not check TCP checksums by default).
  if (f.data.length === f.length) v.setUint16(tcp + 16, tcpChecksum(b.subarray(ip), f.from.ip, f.to.ip));
  return b;
}

function tcpChecksum(ipPacket: Uint8Array, src: Uint8Array, dst: Uint8Array): number {
  const segment = ipPacket.subarray(IP);
  const pseudo = new Uint8Array(12 + segment.length);
  pseudo.set(src, 0);
  pseudo.set(dst, 4);
  pseudo[9] = 6;
  new DataView(pseudo.buffer).setUint16(10, segment.length);
  pseudo.set(segment, 12);
  return checksum(pseudo);
}

/** The Internet checksum (RFC 1071). */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An IPv4 address as 4 bytes; a v4-mapped IPv6 address is unwrapped, anything else is 10.0.0.n. */
export function ipv4(address: string, fallback: number): Uint8Array {
  const text = address.startsWith('::ffff:') ? address.slice(7) : address === '::1' ? '127.0.0.1' : address;
  const parts = text.split('.').map(Number);
  if (parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)) {
    return Uint8Array.from(parts);
  }
  return Uint8Array.from([10, 0, 0, fallback]);
}

// --- pcapng blocks -------------------------------------------------------------------------

const utf8 = (s: string) => new TextEncoder().encode(s);

function option(code: number, value: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + pad4(value.length));
  const v = new DataView(b.buffer);
  v.setUint16(0, code, true);
  v.setUint16(2, value.length, true);
  b.set(value, 4);
  return b;
}

const END_OF_OPTIONS = new Uint8Array(4);

function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + body.length;
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  b.set(body, 8);
  v.setUint32(total - 4, total, true);
  return b;
}

function options(list: readonly Uint8Array[]): Uint8Array {
  return list.length === 0 ? new Uint8Array(0) : concat([...list, END_OF_OPTIONS]);
}

function sectionHeader(comment: string | undefined): Uint8Array {
  const head = new Uint8Array(16);
  const v = new DataView(head.buffer);
  v.setUint32(0, 0x1a2b3c4d, true); // byte-order magic
  v.setUint16(4, 1, true);
  v.setUint16(6, 0, true);
  v.setBigInt64(8, -1n, true); // section length not given
  const opts = options([
    ...(comment ? [option(1, utf8(comment))] : []),
    option(4, utf8('Cellfleet agent probe capture')), // shb_userappl
  ]);
  return block(0x0a0d0d0a, concat([head, opts]));
}

function interfaceDescription(): Uint8Array {
  const head = new Uint8Array(8);
  const v = new DataView(head.buffer);
  v.setUint16(0, 1, true); // LINKTYPE_ETHERNET
  v.setUint32(4, 0, true); // no snap length
  const opts = options([option(2, utf8('cellfleet-probe (synthetic framing)'))]); // if_name
  return block(1, concat([head, opts]));
}

function enhancedPacket(p: Packet): Uint8Array {
  const head = new Uint8Array(20);
  const v = new DataView(head.buffer);
  const ts = Math.max(0, Math.round(p.at));
  v.setUint32(0, 0, true);
  v.setUint32(4, Math.floor(ts / 2 ** 32), true);
  v.setUint32(8, ts % 2 ** 32, true);
  v.setUint32(12, p.bytes.length, true);
  v.setUint32(16, p.length, true);
  const data = new Uint8Array(pad4(p.bytes.length));
  data.set(p.bytes);
  const opts = options(p.comment ? [option(1, utf8(p.comment))] : []);
  return block(6, concat([head, data, opts]));
}

const pad4 = (n: number) => (n + 3) & ~3;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
