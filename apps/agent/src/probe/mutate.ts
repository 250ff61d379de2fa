// Seeded mutation of a real server's answers for the hostile-server fuzzer (issue 12). A clean
// probe through the proxy records which frames the server sends (the corpus); a seed then picks
// one of them and one mutation, the same every time for the same seed and corpus. Pure.
import type { PeerFrame, PeerScript, PeerStep } from './hostile-peer.ts';

/** A frame of the recorded conversation: where it was, not its bytes (those are live). */
export interface CorpusFrame {
  readonly conn: number;
  readonly index: number;
  readonly type: string;
  readonly size: number;
}

export interface Plan {
  readonly seed: number;
  readonly target: CorpusFrame;
  readonly op: MutationOp;
  /** The proxy script that applies it; `hit()` says whether the target frame came by. */
  readonly script: PeerScript;
  hit(): boolean;
}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 7, 8, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];
const TYPES = ['HEL', 'ACK', 'ERR', 'OPN', 'MSG', 'CLO', 'RHE', 'XYZ'];

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]) => xs[int(r, xs.length)] as T;
const bytes = (r: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => int(r, 256)));

/** Each operator turns the real frame into what the client gets instead. */
const OPS = {
  'flip-bits': (f, r) => {
    const b = Buffer.from(f);
    for (let i = 1 + int(r, 8); i > 0; i--) {
      const at = int(r, b.length);
      b[at] = (b[at] as number) ^ (1 << int(r, 8));
    }
    return [{ send: b }];
  },
  'set-byte': (f, r) => {
    const b = Buffer.from(f);
    b[int(r, b.length)] = pick(r, [0x00, 0xff, 0x7f, 0x80]);
    return [{ send: b }];
  },
  'set-u32': (f, r) => {
    const b = Buffer.from(f);
    if (b.length >= 4)
      b.writeUInt32LE(pick(r, [...INTERESTING, b.length - 1, b.length + 1]) >>> 0, int(r, b.length - 3));
    return [{ send: b }];
  },
  'set-size': (f, r) => {
    const b = Buffer.from(f);
    b.writeUInt32LE(pick(r, [...INTERESTING, b.length - 1, b.length + 1, b.length * 2]) >>> 0, 4);
    return [{ send: b }];
  },
  'truncate-then-close': (f, r) => [{ send: f.subarray(0, int(r, f.length)) }, 'end'],
  'truncate-then-silence': (f, r) => [{ send: f.subarray(0, int(r, f.length)) }],
  'append-garbage': (f, r) => [{ send: Buffer.concat([f, bytes(r, 1 + int(r, 64))]) }],
  'insert-garbage': (f, r) => {
    const at = int(r, f.length);
    return [{ send: Buffer.concat([f.subarray(0, at), bytes(r, 1 + int(r, 32)), f.subarray(at)]) }];
  },
  'message-type': (f, r) => [{ send: Buffer.concat([Buffer.from(pick(r, TYPES), 'ascii'), f.subarray(3)]) }],
  'chunk-type': (f, r) => {
    const b = Buffer.from(f);
    b[3] = pick(r, ['C', 'A', 'X', '\0']).charCodeAt(0);
    return [{ send: b }];
  },
  duplicate: (f) => [{ send: f }, { send: f }],
  drop: () => [],
  'zero-body': (f) => [{ send: Buffer.concat([f.subarray(0, 8), Buffer.alloc(Math.max(0, f.length - 8))]) }],
  'reset-instead': () => ['reset'],
} satisfies Record<string, (frame: Buffer, r: Rand) => PeerStep[]>;

export type MutationOp = keyof typeof OPS;
export const MUTATION_OPS = Object.keys(OPS) as MutationOp[];

/** The mutation `seed` stands for: which recorded frame, which operator, which bytes. */
export function planMutation(seed: number, corpus: readonly CorpusFrame[]): Plan {
  if (corpus.length === 0) throw new Error('an empty corpus: record a clean probe first');
  const r = prng(seed);
  const target = pick(r, corpus);
  const op = pick(r, MUTATION_OPS);
  let hit = false;
  const script: PeerScript = (f: PeerFrame) => {
    if (hit || f.from !== 'server' || f.conn !== target.conn || f.index !== target.index) return undefined;
    hit = true;
    return OPS[op](f.bytes, r);
  };
  return { seed, target, op, script, hit: () => hit };
}

/** The server's frames of a recorded conversation, in the order they came. */
export function corpusOf(frames: readonly PeerFrame[]): CorpusFrame[] {
  return frames
    .filter((f) => f.from === 'server')
    .map((f) => ({ conn: f.conn, index: f.index, type: f.header.type, size: f.header.size }));
}
