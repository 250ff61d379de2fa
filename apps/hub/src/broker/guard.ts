// The embedded broker's transport guard (issue 12 finding 6). aedes hands each socket to
// mqtt-packet, which buffers a packet whole before anyone sees it: a 20 MB PUBLISH cost the hub
// 83 MiB before ingest refused it. This stream sits between the socket and aedes and reads only
// the MQTT fixed headers as bytes pass (MQTT 3.1.1 §2.2: a type byte and a Remaining Length of
// one to four bytes), skipping bodies by arithmetic: a packet above the limit closes the
// connection at its header, before its body is read. It also meters each cell's publishes and
// bytes against an ingest budget; a cell over budget is slowed (its socket is not read, so TCP
// pushes back on the sender alone), which keeps one flooding agent from starving the others.
import { Duplex } from 'node:stream';

export interface IngestBudget {
  readonly messagesPerSec: number;
  readonly bytesPerSec: number;
}

/** Generous for an agent (one probe a minute, snapshots of up to 256 KiB), tight for a flood. */
export const DEFAULT_INGEST_BUDGET: IngestBudget = { messagesPerSec: 200, bytesPerSec: 4 * 1024 * 1024 };
/** A cell may spend this many seconds of its budget at once (a reconnect resending its outbox). */
const BURST_SEC = 2;

/** A token bucket for one cell, shared by all its connections; debt is paid by waiting. */
export class Budget {
  private readonly rate: IngestBudget;
  private messages: number;
  private bytes: number;
  private at: number;
  constructor(rate: IngestBudget, now: number) {
    this.rate = rate;
    this.messages = rate.messagesPerSec * BURST_SEC;
    this.bytes = rate.bytesPerSec * BURST_SEC;
    this.at = now;
  }

  /** Spends `messages` and `bytes`; returns how long (ms) the sender must wait to be even. */
  take(messages: number, bytes: number, now: number): number {
    const dt = Math.max(0, now - this.at) / 1000;
    this.at = now;
    const r = this.rate;
    this.messages = Math.min(r.messagesPerSec * BURST_SEC, this.messages + dt * r.messagesPerSec) - messages;
    this.bytes = Math.min(r.bytesPerSec * BURST_SEC, this.bytes + dt * r.bytesPerSec) - bytes;
    const wait = Math.max(-this.messages / r.messagesPerSec, -this.bytes / r.bytesPerSec, 0);
    return Math.ceil(wait * 1000);
  }
}

/** What a chunk held: PUBLISH packets that began in it, or a packet too large (or malformed). */
export type Scan = { publishes: number } | { tooLarge: number } | { malformed: string };

const PUBLISH = 3;

/** Follows MQTT packet boundaries across chunks without keeping any bytes. */
export class PacketScanner {
  private state: 'type' | 'length' | 'body' = 'type';
  private type = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;
  private readonly maxPacketBytes: number;
  constructor(maxPacketBytes: number) {
    this.maxPacketBytes = maxPacketBytes;
  }

  scan(chunk: Uint8Array): Scan {
    let publishes = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const skip = Math.min(this.remaining, chunk.length - i);
        i += skip;
        this.remaining -= skip;
        if (this.remaining === 0) this.state = 'type';
        continue;
      }
      const b = chunk[i++]!;
      if (this.state === 'type') {
        this.type = b >> 4;
        if (this.type === PUBLISH) publishes++;
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (b & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (b & 0x80) {
        if (this.lengthBytes === 4) return { malformed: 'Remaining Length longer than 4 bytes' };
        continue;
      }
      // Fixed header (1 byte + the length bytes) and the rest of the packet.
      const size = 1 + this.lengthBytes + this.length;
      if (size > this.maxPacketBytes) return { tooLarge: size };
      this.remaining = this.length;
      this.state = this.remaining > 0 ? 'body' : 'type';
    }
    return { publishes };
  }
}

export interface GuardOptions {
  readonly maxPacketBytes: number;
  /** The cell's budget once the connection authenticated as an agent; none for the hub's link. */
  readonly budget: () => Budget | undefined;
  /** The packet was too large or malformed; the connection is being closed. */
  readonly onRefused: (why: { tooLarge: number } | { malformed: string }) => void;
  readonly now?: () => number;
}

/**
 * The socket as aedes sees it: reads pass through the scanner and the budget, writes go
 * straight to the socket. Destroying either side destroys both.
 */
export class GuardedSocket extends Duplex {
  private readonly scanner: PacketScanner;
  private readonly socket: Duplex;
  private readonly o: GuardOptions;
  private waiting = false;
  private wantsMore = true;
  constructor(socket: Duplex, o: GuardOptions) {
    super({ allowHalfOpen: false });
    this.socket = socket;
    this.o = o;
    this.scanner = new PacketScanner(o.maxPacketBytes);
    socket.on('data', (chunk: Buffer) => this.onChunk(chunk));
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    socket.on('error', (err) => this.destroy(err));
  }

  private onChunk(chunk: Buffer): void {
    const s = this.scanner.scan(chunk);
    if (!('publishes' in s)) {
      this.o.onRefused(s);
      this.socket.destroy();
      return;
    }
    const wait = this.o.budget()?.take(s.publishes, chunk.length, (this.o.now ?? Date.now)()) ?? 0;
    this.wantsMore = this.push(chunk);
    if (wait > 0) {
      // Over budget: stop reading for as long as the debt lasts; TCP pushes back on the sender.
      this.waiting = true;
      this.socket.pause();
      setTimeout(() => {
        this.waiting = false;
        if (this.wantsMore && !this.destroyed) this.socket.resume();
      }, wait).unref();
    } else if (!this.wantsMore) this.socket.pause();
  }

  override _read(): void {
    this.wantsMore = true;
    if (!this.waiting) this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.socket.write(chunk)) cb();
    else this.socket.once('drain', () => cb());
  }

  /** mqtt-packet writes a packet in pieces inside cork(): they leave as one socket write. */
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    cb: (err?: Error | null) => void,
  ): void {
    this.socket.cork();
    let ok = true;
    for (const c of chunks) ok = this.socket.write(c.chunk);
    this.socket.uncork();
    if (ok) cb();
    else this.socket.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}
