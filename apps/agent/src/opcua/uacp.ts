// OPC UA Connection Protocol (UACP) framing, OPC UA Part 6 §7.1.2: just enough to say the
// Hello ourselves, read what comes back without trusting a single length in it, and name the
// rule a server broke. Pure (no sockets): the hello rung, the socket tap and the hostile test
// peers all frame bytes through here.

/** Part 6 §7.1.2.2: a three-letter message type, a chunk type, and the chunk size (UInt32). */
export const HEADER_SIZE = 8;
export const ACK_SIZE = 28;
/** Part 6 §7.1.2.5: the reason of an Error message is at most 4096 bytes. */
export const MAX_REASON_BYTES = 4096;
export const ERR_MAX_SIZE = 16 + MAX_REASON_BYTES;
/** Part 6 §7.1.2.4: both buffer sizes of an Acknowledge are at least 8192 bytes. */
export const MIN_BUFFER = 8192;
/**
 * What the agent asks for in its Hello: node-opcua's client defaults, stated here so the
 * hello rung and node-opcua ask for the same and the tap knows the limits it asked for.
 */
export const HELLO_LIMITS = {
  receiveBufferSize: 655_360,
  sendBufferSize: 655_360,
  maxMessageSize: 0,
  maxChunkCount: 0,
} as const;

export const MESSAGE_TYPES = ['HEL', 'ACK', 'ERR', 'RHE', 'OPN', 'CLO', 'MSG'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface Header {
  readonly type: MessageType;
  readonly chunk: 'F' | 'C' | 'A';
  readonly size: number;
}

/** The header at the start of `b`, or why those 8 bytes are not one. */
export function readHeader(b: Uint8Array): { ok: true; header: Header } | { ok: false; why: string } {
  if (b.length < HEADER_SIZE) return { ok: false, why: `only ${b.length} bytes` };
  const type = ascii(b.subarray(0, 3));
  const chunk = String.fromCharCode(b[3] as number);
  if (!(MESSAGE_TYPES as readonly string[]).includes(type) || !'FCA'.includes(chunk)) {
    return { ok: false, why: `bytes that are not an OPC UA message header: ${describeBytes(b)}` };
  }
  const size = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4, true);
  if (size < HEADER_SIZE)
    return { ok: false, why: `a ${type} chunk declaring ${size} bytes (less than its header)` };
  return { ok: true, header: { type: type as MessageType, chunk: chunk as Header['chunk'], size } };
}

export interface Acknowledge {
  readonly protocolVersion: number;
  readonly receiveBufferSize: number;
  readonly sendBufferSize: number;
  readonly maxMessageSize: number;
  readonly maxChunkCount: number;
}

export function parseAck(frame: Uint8Array): Acknowledge {
  const v = view(frame);
  return {
    protocolVersion: v.getUint32(8, true),
    receiveBufferSize: v.getUint32(12, true),
    sendBufferSize: v.getUint32(16, true),
    maxMessageSize: v.getUint32(20, true),
    maxChunkCount: v.getUint32(24, true),
  };
}

/** The rules of Part 6 §7.1.2.4 an Acknowledge to our Hello breaks; empty when it is sound. */
export function ackViolations(ack: Acknowledge, hello: typeof HELLO_LIMITS = HELLO_LIMITS): string[] {
  const out: string[] = [];
  const check = (name: string, value: number, most: number) => {
    if (value < MIN_BUFFER) out.push(`${name} ${value} is below the minimum of ${MIN_BUFFER} bytes`);
    else if (value > most) out.push(`${name} ${value} is larger than the ${most} bytes the Hello allowed`);
  };
  check('ReceiveBufferSize', ack.receiveBufferSize, hello.sendBufferSize);
  check('SendBufferSize', ack.sendBufferSize, hello.receiveBufferSize);
  return out;
}

export interface ErrorMessage {
  readonly status: number;
  /** Null for a null String (length -1). */
  readonly reason: string | null;
  /** What is malformed about the frame; empty when it is well formed. */
  readonly violations: readonly string[];
}

/** Reads an ERR frame that may lie about its lengths; never reads past `frame`. */
export function parseErr(frame: Uint8Array): ErrorMessage {
  const violations: string[] = [];
  if (frame.length < 12)
    return { status: 0, reason: null, violations: [`ERR of ${frame.length} bytes has no status`] };
  const v = view(frame);
  const status = v.getUint32(8, true);
  if (status >>> 30 !== 2) violations.push(`ERR carries status 0x${hex8(status)}, which is not Bad`);
  if (frame.length < 16) {
    violations.push(`ERR of ${frame.length} bytes ends before its reason`);
    return { status, reason: null, violations };
  }
  const length = v.getInt32(12, true);
  if (length === -1) return { status, reason: null, violations };
  if (length < -1) violations.push(`ERR reason length ${length} is negative`);
  else if (length > MAX_REASON_BYTES)
    violations.push(`ERR reason length ${length} exceeds ${MAX_REASON_BYTES} bytes`);
  const available = frame.length - 16;
  if (length > available)
    violations.push(`ERR reason declares ${length} bytes, the frame holds ${available}`);
  if (length >= 0 && length < available) violations.push(`${available - length} bytes after the ERR reason`);
  const bytes = frame.subarray(16, 16 + Math.max(0, Math.min(length, available, MAX_REASON_BYTES)));
  const decoded = utf8(bytes);
  if (decoded === undefined) violations.push('ERR reason is not valid UTF-8');
  return { status, reason: printable(decoded ?? latin1(bytes)), violations };
}

/** A short, safe rendering of bytes: printable ASCII as text, otherwise hex. */
export function describeBytes(b: Uint8Array, max = 24): string {
  const head = b.subarray(0, max);
  const text = ascii(head);
  const more = b.length > max ? '…' : '';
  if (/^[\x20-\x7e\r\n\t]+$/.test(text)) return `"${printable(text)}${more}"`;
  return `0x${Buffer.from(head).toString('hex')}${more}`;
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

export function encodeHello(endpointUrl: string, limits: typeof HELLO_LIMITS = HELLO_LIMITS): Buffer {
  const url = Buffer.from(endpointUrl, 'utf8');
  const b = Buffer.alloc(32 + url.length);
  b.write('HELF', 0, 'ascii');
  b.writeUInt32LE(b.length, 4);
  b.writeUInt32LE(0, 8);
  b.writeUInt32LE(limits.receiveBufferSize, 12);
  b.writeUInt32LE(limits.sendBufferSize, 16);
  b.writeUInt32LE(limits.maxMessageSize, 20);
  b.writeUInt32LE(limits.maxChunkCount, 24);
  b.writeInt32LE(url.length, 28);
  url.copy(b, 32);
  return b;
}

export function encodeAck(ack: Acknowledge): Buffer {
  const b = Buffer.alloc(ACK_SIZE);
  b.write('ACKF', 0, 'ascii');
  b.writeUInt32LE(ACK_SIZE, 4);
  b.writeUInt32LE(ack.protocolVersion >>> 0, 8);
  b.writeUInt32LE(ack.receiveBufferSize >>> 0, 12);
  b.writeUInt32LE(ack.sendBufferSize >>> 0, 16);
  b.writeUInt32LE(ack.maxMessageSize >>> 0, 20);
  b.writeUInt32LE(ack.maxChunkCount >>> 0, 24);
  return b;
}

/** ERRF: size, status (UInt32), reason (String: Int32 length, -1 for null, then UTF-8). */
export function encodeErr(status: number, reason: string | null): Buffer {
  const text = reason === null ? Buffer.alloc(0) : Buffer.from(reason, 'utf8');
  const b = Buffer.alloc(16 + text.length);
  b.write('ERRF', 0, 'ascii');
  b.writeUInt32LE(b.length, 4);
  b.writeUInt32LE(status >>> 0, 8);
  b.writeInt32LE(reason === null ? -1 : text.length, 12);
  text.copy(b, 16);
  return b;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function ascii(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b).toString('latin1');
}

function utf8(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

/** Control characters become `\xNN`, so a reason cannot forge lines in a log or a terminal. */
function printable(s: string): string {
  return s.replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Splits a byte stream into whole chunks by their headers, for peers that trust the stream
 * (the test peers between the agent and a real server); refuses a chunk above `max` bytes.
 */
export function createFrameSplitter(max: number): (chunk: Buffer) => Buffer[] {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const out: Buffer[] = [];
    while (pending.length >= HEADER_SIZE) {
      const read = readHeader(pending);
      if (!read.ok) throw new Error(read.why);
      if (read.header.size > max) throw new Error(`a ${read.header.type} chunk of ${read.header.size} bytes`);
      if (pending.length < read.header.size) break;
      out.push(Buffer.from(pending.subarray(0, read.header.size)));
      pending = pending.subarray(read.header.size);
    }
    return out;
  };
}
