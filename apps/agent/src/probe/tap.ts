// A passive reader of what the server sends on node-opcua's sockets, so a failed rung can say
// what the server actually sent when node-opcua's error text lost it. Issue 13: a server that
// does not trust the agent answers OpenSecureChannel with ERR BadSecurityChecksFailed and an
// empty reason; node-opcua logs "Error message not specified", drops the status and reports the
// close that follows. Sockets are found through Node's `net.client.socket` diagnostics channel
// and tied to the probe that opened them by AsyncLocalStorage; the tap only listens (it adds a
// 'data' listener), keeps at most one Error message per frame, and stops at the first frame it
// cannot read.

import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { RawError } from '@cellfleet/core';
import { ERR_MAX_SIZE, HEADER_SIZE, HELLO_LIMITS, hex8, parseErr, readHeader } from '../opcua/uacp.ts';
import { statusName } from './hello.ts';

export interface TapNote {
  /** Index of the connection within the probe, in the order they were opened. */
  readonly conn: number;
  readonly text: string;
  /** An ERR frame's status name, when the note is about one. */
  readonly status?: string;
  /** The server broke the protocol (rather than refusing in a well-formed way). */
  readonly violation: boolean;
}

export interface Tap {
  /** Connections opened so far; a rung marks this before it starts. */
  readonly opened: number;
  /** What the server said or broke on connections opened at or after `since`. */
  notes(since: number): readonly TapNote[];
  attach(socket: Socket): void;
}

const current = new AsyncLocalStorage<Tap>();
let listening = false;

/** Runs `work` with a fresh tap (and, when given, the capture) on every socket it opens. */
export function withTap<T>(
  work: (tap: Tap) => Promise<T>,
  capture?: { attach(socket: Socket): void },
): Promise<T> {
  if (!listening) {
    listening = true;
    subscribe('net.client.socket', (message) => {
      const socket = (message as { socket?: Socket }).socket;
      if (socket) current.getStore()?.attach(socket);
    });
  }
  const tap = createTap();
  const both: Tap = capture
    ? {
        get opened() {
          return tap.opened;
        },
        notes: tap.notes,
        attach(socket) {
          capture.attach(socket);
          tap.attach(socket);
        },
      }
    : tap;
  return current.run(both, () => work(both));
}

export function createTap(): Tap {
  const notes: TapNote[] = [];
  let opened = 0;
  return {
    get opened() {
      return opened;
    },
    notes: (since) => notes.filter((n) => n.conn >= since),
    attach(socket) {
      const conn = opened++;
      const reader = frameWatcher((text, o) => {
        if (notes.length < 32)
          notes.push({ conn, text, violation: o.violation, ...(o.status ? { status: o.status } : {}) });
      });
      socket.on('data', reader.push);
      socket.once('close', reader.close);
    },
  };
}

type Note = (text: string, o: { violation: boolean; status?: string }) => void;

/** Splits the server's byte stream into UACP chunks (Part 6 §7.1.2.2) without buffering bodies. */
export function frameWatcher(note: Note): { push(chunk: Buffer): void; close(): void } {
  let header = Buffer.alloc(0);
  let current: { type: string; size: number; left: number; body: Buffer[] | undefined } | undefined;
  let stopped = false;
  let frames = 0;
  const stop = (text: string, violation = true) => {
    note(text, { violation });
    stopped = true;
  };
  const start = (): void => {
    const read = readHeader(header);
    header = Buffer.alloc(0);
    if (!read.ok) {
      stop(`the server sent ${read.why}`);
      return;
    }
    const { type, size } = read.header;
    frames++;
    const problem = frameProblem(type, size, frames);
    if (problem) {
      stop(problem);
      return;
    }
    current = { type, size, left: size - HEADER_SIZE, body: type === 'ERR' ? [] : undefined };
    if (current.left === 0) finish();
  };
  const finish = (): void => {
    const f = current;
    current = undefined;
    if (f?.type !== 'ERR') return;
    const frame = Buffer.concat([Buffer.alloc(HEADER_SIZE), ...(f.body ?? [])]);
    frame.writeUInt32LE(f.size, 4);
    const e = parseErr(frame);
    const name = statusName(e.status);
    const said =
      e.reason === null || e.reason === '' ? 'an empty reason' : `reason "${e.reason.slice(0, 300)}"`;
    const broken = e.violations.length > 0 ? ` (malformed: ${e.violations.join('; ')})` : '';
    note(`the server sent ERR ${name ?? 'status'} (0x${hex8(e.status)}) with ${said}${broken}`, {
      violation: e.violations.length > 0,
      ...(name ? { status: name } : {}),
    });
  };
  return {
    push(chunk) {
      let rest = chunk;
      while (!stopped && rest.length > 0) {
        if (!current) {
          const need = HEADER_SIZE - header.length;
          header = Buffer.concat([header, rest.subarray(0, need)]);
          rest = rest.subarray(need);
          if (header.length === HEADER_SIZE) start();
          continue;
        }
        const take = Math.min(current.left, rest.length);
        current.body?.push(Buffer.from(rest.subarray(0, take)));
        current.left -= take;
        rest = rest.subarray(take);
        if (current.left === 0) finish();
      }
    },
    close() {
      if (stopped || !current) return;
      stop(
        `the server closed the connection after ${current.size - current.left} of ${current.size} bytes of a ${current.type} chunk`,
      );
    },
  };
}

/** The rule a chunk header breaks (Part 6 §7.1.2, §6.7.2), judged before its body arrives. */
export function frameProblem(type: string, size: number, nth: number): string | undefined {
  if (nth === 1 && type !== 'ACK' && type !== 'ERR') return `the server answered the Hello with ${type}`;
  if (nth > 1 && (type === 'ACK' || type === 'HEL')) return `the server sent ${type} after the handshake`;
  if (type === 'ERR' && size > ERR_MAX_SIZE) {
    return `the server sent an ERR declaring ${size} bytes (at most ${ERR_MAX_SIZE})`;
  }
  if (size > HELLO_LIMITS.receiveBufferSize) {
    return `the server sent a ${type} chunk declaring ${size} bytes; the Hello allowed ${HELLO_LIMITS.receiveBufferSize}`;
  }
  return undefined;
}

/** The tap's notes folded into a failed rung's error: a lost ERR status, a broken rule. */
export function annotate(raw: RawError, notes: readonly TapNote[]): RawError {
  if (notes.length === 0) return raw;
  const err = notes.find((n) => n.status !== undefined);
  const broken = notes.find((n) => n.violation);
  const said = notes.map((n) => n.text).join('; ');
  return {
    ...raw,
    message: `${raw.message} [${said}]`.slice(0, 2000),
    ...(raw.statusName === undefined && err?.status ? { statusName: err.status } : {}),
    ...(raw.kind === undefined && broken ? { kind: 'protocol-violation' as const } : {}),
  };
}
