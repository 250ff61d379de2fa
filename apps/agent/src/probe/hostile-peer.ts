// A scripted hostile OPC UA peer for the tests and the fuzzer (issue 12): a raw TCP server that
// frames what the client sends (Part 6 §7.1.2.2 headers) and lets a script answer each frame:
// with crafted bytes, a trickle, a close, a reset or silence. Given an upstream (a real
// node-opcua server) it is a proxy instead: every frame in either direction goes through the
// script, which may pass it on, replace it or mutate it. Port 0; close() ends every socket.
import { createConnection, createServer, type Socket } from 'node:net';
import { createFrameSplitter, type Header, readHeader } from '../opcua/uacp.ts';
import { listenPeer, type RawPeer } from './raw-peers.ts';

export interface PeerFrame {
  /** Connection number on this peer, from 0 in the order the client opened them. */
  readonly conn: number;
  /** Frame number within its connection and direction, from 0. */
  readonly index: number;
  readonly from: 'client' | 'server';
  readonly header: Header;
  readonly bytes: Buffer;
}

export type PeerStep =
  | { readonly send: Buffer }
  | { readonly trickle: Buffer; readonly size: number; readonly everyMs: number }
  | { readonly wait: number }
  | 'forward'
  | 'end'
  | 'reset';

/** What to do with a frame; undefined means `forward` with an upstream, silence without. */
export type PeerScript = (frame: PeerFrame) => readonly PeerStep[] | undefined;

export interface HostilePeerOptions {
  readonly script: PeerScript;
  readonly upstream?: { readonly host: string; readonly port: number };
  /** Sees every frame before the script (recording a real server's answers). */
  readonly onFrame?: (frame: PeerFrame) => void;
}

const MAX_FRAME = 16 * 1024 * 1024;

export async function startHostilePeer(o: HostilePeerOptions): Promise<RawPeer> {
  const sockets = new Set<Socket>();
  let conns = 0;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer((client) => {
    track(client);
    const conn = conns++;
    const upstream = o.upstream ? createConnection(o.upstream) : undefined;
    if (upstream) {
      track(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    }
    const run = serial();
    const pipe = (from: PeerFrame['from'], source: Socket, target: Socket | undefined) => {
      const split = createFrameSplitter(MAX_FRAME);
      let index = 0;
      source.on('data', (chunk: Buffer) => {
        let frames: Buffer[];
        try {
          frames = split(chunk);
        } catch {
          client.destroy();
          return;
        }
        for (const bytes of frames) {
          const read = readHeader(bytes);
          if (!read.ok) continue;
          const frame: PeerFrame = { conn, index: index++, from, header: read.header, bytes };
          o.onFrame?.(frame);
          const steps = o.script(frame) ?? (target ? ['forward' as const] : []);
          run(() => perform(steps, { client, forwardTo: target, frame }));
        }
      });
    };
    pipe('client', client, upstream);
    if (upstream) pipe('server', upstream, client);
  });
  return listenPeer(server, sockets);
}

interface Target {
  readonly client: Socket;
  readonly forwardTo: Socket | undefined;
  readonly frame: PeerFrame;
}

async function perform(steps: readonly PeerStep[], t: Target): Promise<void> {
  for (const step of steps) {
    if (t.client.destroyed) return;
    if (step === 'forward') t.forwardTo?.write(t.frame.bytes);
    else if (step === 'end') {
      t.client.end();
      t.forwardTo?.end();
    } else if (step === 'reset') t.client.resetAndDestroy();
    else if ('send' in step) await write(t.client, step.send);
    else if ('wait' in step) await sleep(step.wait);
    else {
      for (let i = 0; i < step.trickle.length && !t.client.destroyed; i += step.size) {
        await write(t.client, step.trickle.subarray(i, i + step.size));
        await sleep(step.everyMs);
      }
    }
  }
}

/** Writes with backpressure, so a flood waits for the client rather than filling this process. */
function write(socket: Socket, bytes: Buffer): Promise<void> {
  if (socket.write(bytes)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}

/** Runs queued work one after the other, so a trickle finishes before the next frame's answer. */
function serial(): (work: () => Promise<void>) => void {
  let tail = Promise.resolve();
  return (work) => {
    tail = tail.then(work).catch(() => {});
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
