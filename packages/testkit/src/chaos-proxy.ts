// A fault-injecting TCP proxy for the link between agents and the broker (issue 12, "chaos on
// the link"). Debian has tools for parts of this (tc netem needs root and a network namespace;
// toxiproxy is not packaged), so the suites use this small proxy instead: every client
// connection is paired with one upstream connection, and the faults act on those pairs.
//
//   latency(ms)          every chunk waits this long before it is forwarded (order kept)
//   bandwidth(bytes/s)   each direction of each connection forwards at most this rate
//   cutMidPacket()       each live connection forwards half of its next chunk and closes;
//                        the side that sent the chunk gets a reset
//   halfOpen()           live connections stop forwarding for good and swallow FIN and RST,
//                        so each end sees silence, never a close (a dead NAT entry)
//   partition(ms)        nothing crosses for `ms`: live connections are frozen (their close
//                        events held back), new ones are accepted but not dialled upstream;
//                        at the end, what is still open resumes and held connects go through
//                        (`reorder`: newest first, then the frozen ones, `gapMs` apart)
//
// Frozen sockets are paused, so unread bytes wait in the kernel as they would in a real
// partition where TCP retransmits until the link heals.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ChaosProxyOptions {
  /** Where connections are forwarded to. */
  readonly target: { readonly host: string; readonly port: number };
  readonly host?: string;
}

export interface ChaosStats {
  accepted: number;
  active: number;
  bytesUp: number;
  bytesDown: number;
  cut: number;
  halfOpened: number;
  held: number;
}

export interface PartitionOptions {
  /** Release connections in an order the link did not see them in (newest first). */
  readonly reorder?: boolean;
  /** Time between two releases when reordering. */
  readonly gapMs?: number;
}

export interface ChaosProxy {
  readonly port: number;
  readonly host: string;
  latency(ms: number): void;
  /** Bytes per second per direction of each connection; null lifts the cap. */
  bandwidth(bytesPerSec: number | null): void;
  /** Returns how many connections will be cut. */
  cutMidPacket(): number;
  /** Returns how many connections went half-open. */
  halfOpen(): number;
  /** Resolves when the link has healed and held connections were released. */
  partition(ms: number, o?: PartitionOptions): Promise<void>;
  stats(): ChaosStats;
  close(): Promise<void>;
}

/** Most bytes waiting in one direction before its source is paused (backpressure). */
const HIGH_WATER = 1 << 20;
/** Bandwidth is metered in slices so a large chunk is spread over time. */
const SLICE_MS = 50;

interface Direction {
  readonly from: Socket;
  readonly to: () => Socket | undefined;
  readonly queue: { at: number; data: Buffer }[];
  queued: number;
  /** When the last slice may leave (bandwidth pacing). */
  freeAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The source sent FIN: end the destination once the queue is empty. */
  ended: boolean;
  readonly count: (n: number) => void;
}

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
  up: Direction;
  /** Set when the upstream connection is dialled. */
  down: Direction | undefined;
  /** 'forever': half-open; a number: frozen until the partition heals. */
  frozen: false | 'forever' | 'partition';
  /** A close that happened while frozen, delivered when it thaws. */
  heldClose: Socket | undefined;
  cutNext: boolean;
  /** A cut is under way: nothing more is forwarded. */
  cutting: boolean;
  closed: boolean;
}

export async function startChaosProxy(o: ChaosProxyOptions): Promise<ChaosProxy> {
  const host = o.host ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  const held: Pair[] = [];
  const stats: ChaosStats = {
    accepted: 0,
    active: 0,
    bytesUp: 0,
    bytesDown: 0,
    cut: 0,
    halfOpened: 0,
    held: 0,
  };
  let latencyMs = 0;
  let bytesPerSec: number | null = null;
  let partitioned = false;

  const peerOf = (p: Pair, s: Socket) => (s === p.client ? p.upstream : p.client);

  function destroy(p: Pair): void {
    if (p.closed) return;
    p.closed = true;
    for (const d of [p.up, p.down]) if (d?.timer) clearTimeout(d.timer);
    p.client.destroy();
    p.upstream?.destroy();
    pairs.delete(p);
    stats.active = pairs.size;
  }

  function pump(p: Pair, d: Direction): void {
    d.timer = undefined;
    if (p.frozen || p.closed || p.cutting) return;
    const to = d.to();
    if (!to) return;
    const now = Date.now();
    while (d.queue.length > 0) {
      const head = d.queue[0]!;
      const at = Math.max(head.at, d.freeAt);
      if (at > now) {
        d.timer = setTimeout(() => pump(p, d), at - now);
        return;
      }
      let data = head.data;
      if (bytesPerSec !== null) {
        const slice = Math.max(1, Math.floor((bytesPerSec * SLICE_MS) / 1000));
        if (data.length > slice) {
          head.data = data.subarray(slice);
          data = data.subarray(0, slice);
        } else d.queue.shift();
        d.freeAt = Math.max(now, d.freeAt) + (data.length / bytesPerSec) * 1000;
      } else d.queue.shift();
      d.queued -= data.length;
      if (p.cutNext) {
        // Cut in the middle of what was sent: the receiver gets a truncated packet, then a reset.
        stats.cut++;
        to.end(data.subarray(0, Math.floor(data.length / 2)), () => {
          d.from.resetAndDestroy();
          destroy(p);
        });
        p.cutNext = false;
        p.cutting = true;
        return;
      }
      to.write(data);
      d.count(data.length);
    }
    if (d.queued < HIGH_WATER && d.from.isPaused() && !p.frozen) d.from.resume();
    if (d.ended) to.end();
  }

  function direction(p: Pair, from: Socket, to: () => Socket | undefined, count: (n: number) => void) {
    const d: Direction = { from, to, queue: [], queued: 0, freeAt: 0, timer: undefined, ended: false, count };
    from.on('data', (chunk: Buffer) => {
      d.queue.push({ at: Date.now() + latencyMs, data: chunk });
      d.queued += chunk.length;
      if (d.queued >= HIGH_WATER) from.pause();
      if (!d.timer) pump(p, d);
    });
    from.on('end', () => {
      d.ended = true;
      if (!d.timer) pump(p, d);
    });
    from.on('close', (hadError) => {
      if (p.closed || p.cutting) return;
      if (p.frozen === 'forever') return; // half-open: the other end never hears of it
      if (p.frozen) {
        p.heldClose = from;
        return;
      }
      const peer = peerOf(p, from);
      if (hadError || !d.ended) {
        // A reset, or a close without FIN: the other end sees a reset too.
        peer?.resetAndDestroy();
        destroy(p);
        return;
      }
      if (d.queue.length === 0) peer?.end(); // else pump ends it once the queue is sent
      if (!peer || peer.destroyed) destroy(p);
    });
    from.on('error', () => {});
    return d;
  }

  function dial(p: Pair): void {
    const up = connect({ host: o.target.host, port: o.target.port });
    up.setNoDelay(true);
    p.upstream = up;
    p.down = direction(
      p,
      up,
      () => p.client,
      (n) => (stats.bytesDown += n),
    );
    up.once('connect', () => {
      if (!p.frozen) {
        p.client.resume();
        pump(p, p.up);
      }
    });
  }

  function freeze(p: Pair, how: 'forever' | 'partition'): void {
    if (p.closed) return;
    p.frozen = how;
    p.client.pause();
    p.upstream?.pause();
  }

  function thaw(p: Pair): void {
    if (p.closed || p.frozen !== 'partition') return;
    p.frozen = false;
    if (p.heldClose) {
      const peer = peerOf(p, p.heldClose);
      peer?.end();
      destroy(p);
      return;
    }
    p.client.resume();
    p.upstream?.resume();
    pump(p, p.up);
    if (p.down) pump(p, p.down);
  }

  const server: Server = createServer((client) => {
    stats.accepted++;
    client.setNoDelay(true);
    client.pause();
    const p = {
      client,
      upstream: undefined,
      down: undefined,
      frozen: false,
      heldClose: undefined,
      cutNext: false,
      cutting: false,
      closed: false,
    } as unknown as Pair;
    p.up = direction(
      p,
      client,
      () => p.upstream,
      (n) => (stats.bytesUp += n),
    );
    pairs.add(p);
    stats.active = pairs.size;
    if (partitioned) {
      // The SYN would be lost: the client waits, and gets through once the link heals.
      p.frozen = 'partition';
      held.push(p);
      stats.held++;
      return;
    }
    dial(p);
  });
  server.on('connection', (s) => s.on('error', () => {}));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  return {
    port,
    host,
    latency(ms) {
      latencyMs = ms;
    },
    bandwidth(b) {
      if (b !== null && !(b > 0))
        throw new RangeError(`bandwidth must be a positive number of bytes/s, not ${b}`);
      bytesPerSec = b;
    },
    cutMidPacket() {
      let n = 0;
      for (const p of pairs) {
        if (p.closed || p.frozen) continue;
        p.cutNext = true;
        n++;
      }
      return n;
    },
    halfOpen() {
      let n = 0;
      for (const p of pairs) {
        if (p.closed || p.frozen === 'forever') continue;
        freeze(p, 'forever');
        stats.halfOpened++;
        n++;
      }
      return n;
    },
    async partition(ms, po = {}) {
      partitioned = true;
      const frozen = [...pairs].filter((p) => !p.closed && !p.frozen);
      for (const p of frozen) freeze(p, 'partition');
      await sleep(ms);
      partitioned = false;
      const waiting = held.splice(0);
      const release = (p: Pair) => {
        if (p.closed) return;
        if (p.upstream) thaw(p);
        else if (p.heldClose) destroy(p);
        else {
          p.frozen = false;
          dial(p);
        }
      };
      if (!po.reorder) {
        for (const p of [...frozen, ...waiting]) release(p);
        return;
      }
      for (const p of [...waiting.reverse(), ...frozen]) {
        release(p);
        await sleep(po.gapMs ?? 100);
      }
    },
    stats: () => ({ ...stats }),
    async close() {
      for (const p of pairs) destroy(p);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
