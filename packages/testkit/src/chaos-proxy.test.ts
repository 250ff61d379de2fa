import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { type ChaosProxy, startChaosProxy } from './chaos-proxy.ts';

// A real TCP server behind the proxy that records, per connection, what arrived and how it ended.
interface Far {
  readonly socket: Socket;
  received: Buffer;
  ended: 'open' | 'fin' | 'reset';
}
let server: Server;
let port: number;
const far: Far[] = [];
/** Every chunk the server received, in arrival order. */
const arrivals: string[] = [];

before(async () => {
  server = createServer((socket) => {
    const f: Far = { socket, received: Buffer.alloc(0), ended: 'open' };
    far.push(f);
    socket.on('data', (d: Buffer) => {
      f.received = Buffer.concat([f.received, d]);
      arrivals.push(d.length < 8 ? d.toString() : '…');
      if (d.includes('echo')) socket.write(d);
    });
    socket.on('end', () => (f.ended = 'fin'));
    socket.on('error', () => (f.ended = 'reset'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  port = typeof a === 'object' && a ? a.port : 0;
});
after(async () => {
  for (const f of far) f.socket.destroy();
  await new Promise((r) => server.close(r));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

interface Near {
  readonly socket: Socket;
  received: Buffer;
  ended: 'open' | 'fin' | 'reset';
}
function dial(proxy: ChaosProxy): Promise<Near> {
  return new Promise((resolve) => {
    const socket = connect({ host: proxy.host, port: proxy.port });
    const n: Near = { socket, received: Buffer.alloc(0), ended: 'open' };
    socket.on('data', (d: Buffer) => (n.received = Buffer.concat([n.received, d])));
    socket.on('end', () => (n.ended = n.ended === 'open' ? 'fin' : n.ended));
    socket.on('error', () => (n.ended = 'reset'));
    socket.once('connect', () => resolve(n));
  });
}

async function withProxy(fn: (p: ChaosProxy) => Promise<void>): Promise<void> {
  const proxy = await startChaosProxy({ target: { host: '127.0.0.1', port } });
  try {
    await fn(proxy);
  } finally {
    await proxy.close();
  }
}
const farOf = (from: number) => until('the far side to accept', () => far[from]);

test('forwards bytes both ways, unchanged, and a FIN as a FIN', () =>
  withProxy(async (proxy) => {
    const n0 = far.length;
    const near = await dial(proxy);
    const payload = Buffer.concat([randomBytes(3 << 20), Buffer.from('echo')]);
    near.socket.write(payload);
    const f = await farOf(n0);
    await until('all bytes upstream', () => (f.received.length === payload.length ? true : undefined));
    assert.ok(f.received.equals(payload));
    await until('the echo downstream', () => (near.received.length > 0 ? true : undefined));
    near.socket.end();
    await until('the FIN upstream', () => (f.ended === 'fin' ? true : undefined));
    assert.equal(proxy.stats().bytesUp, payload.length);
  }));

test('latency delays each chunk by at least the set time', () =>
  withProxy(async (proxy) => {
    proxy.latency(150);
    const near = await dial(proxy);
    const t0 = Date.now();
    near.socket.write('echo');
    await until('the echo', () => (near.received.length >= 4 ? true : undefined));
    assert.ok(Date.now() - t0 >= 290, `round trip ${Date.now() - t0} ms with 150 ms each way`);
  }));

test('bandwidth caps the rate of each direction', () =>
  withProxy(async (proxy) => {
    proxy.bandwidth(100_000);
    const n0 = far.length;
    const near = await dial(proxy);
    const t0 = Date.now();
    near.socket.write(randomBytes(200_000));
    const f = await farOf(n0);
    await until('200 kB upstream', () => (f.received.length === 200_000 ? true : undefined), 10_000);
    assert.ok(Date.now() - t0 >= 1800, `200 kB at 100 kB/s took ${Date.now() - t0} ms`);
    assert.throws(() => proxy.bandwidth(0), /positive/);
  }));

test('a cut mid-packet delivers half of the next chunk, then closes both ends', () =>
  withProxy(async (proxy) => {
    const n0 = far.length;
    const near = await dial(proxy);
    near.socket.write('x');
    const f = await farOf(n0);
    await until('the first byte', () => (f.received.length === 1 ? true : undefined));
    assert.equal(proxy.cutMidPacket(), 1);
    near.socket.write(Buffer.alloc(100, 7));
    await until('the far end closed', () => (f.ended !== 'open' ? true : undefined));
    await until('the near end reset', () => (near.ended === 'reset' ? true : undefined));
    assert.equal(f.received.length, 1 + 50, 'half of the 100-byte chunk');
    assert.equal(proxy.stats().cut, 1);
  }));

test('half-open: nothing is forwarded, and a close on one end never reaches the other', () =>
  withProxy(async (proxy) => {
    const n0 = far.length;
    const near = await dial(proxy);
    near.socket.write('a');
    const f = await farOf(n0);
    await until('the first byte', () => (f.received.length === 1 ? true : undefined));
    assert.equal(proxy.halfOpen(), 1);
    near.socket.write('more');
    f.socket.write('echo back');
    await sleep(300);
    assert.equal(f.received.length, 1, 'nothing more upstream');
    assert.equal(near.received.length, 0, 'nothing downstream');
    f.socket.destroy();
    await sleep(300);
    assert.equal(near.ended, 'open', 'no FIN, no reset: the near end sees only silence');
    near.socket.destroy();
  }));

test('a partition holds live and new connections, then lets them through', () =>
  withProxy(async (proxy) => {
    const n0 = far.length;
    const live = await dial(proxy);
    live.socket.write('L');
    await until('the live connection', () => (far[n0]?.received.length === 1 ? true : undefined));
    const t0 = Date.now();
    const healed = proxy.partition(400);
    live.socket.write('echo');
    const late = await dial(proxy); // accepted locally, not dialled upstream until the heal
    late.socket.write('echo');
    await sleep(200);
    assert.equal(far.length, n0 + 1, 'the new connection has not reached the server');
    assert.equal(far[n0]?.received.length, 1, 'nothing crossed');
    await healed;
    await until('both echoes', () =>
      live.received.length >= 4 && late.received.length >= 4 ? true : undefined,
    );
    assert.ok(Date.now() - t0 >= 400);
    assert.equal(proxy.stats().held, 1);
    live.socket.destroy();
    late.socket.destroy();
  }));

test('reordered reconnects: held connects go through newest first, the frozen ones after', () =>
  withProxy(async (proxy) => {
    const n0 = far.length;
    const old = await dial(proxy);
    old.socket.write('o');
    await until('the old connection', () => (far[n0]?.received.length === 1 ? true : undefined));
    const healed = proxy.partition(200, { reorder: true, gapMs: 50 });
    const first = await dial(proxy);
    first.socket.write('1');
    await sleep(20);
    const second = await dial(proxy);
    second.socket.write('2');
    old.socket.write('O');
    const mark = arrivals.length;
    await healed;
    await until('three more', () =>
      far.length === n0 + 3 && far[n0]!.received.length === 2 ? true : undefined,
    );
    assert.deepEqual(arrivals.slice(mark), ['2', '1', 'O'], 'newest connect first, the frozen one last');
    for (const n of [old, first, second]) n.socket.destroy();
  }));
