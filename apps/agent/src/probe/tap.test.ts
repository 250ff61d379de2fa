import assert from 'node:assert/strict';
import { createConnection, createServer } from 'node:net';
import { describe, test } from 'node:test';
import { encodeAck, encodeErr, HELLO_LIMITS } from '../opcua/uacp.ts';
import { annotate, frameWatcher, withTap } from './tap.ts';

const ack = encodeAck({ protocolVersion: 0, ...HELLO_LIMITS });
const msg = (size: number, chunk = 'F') => {
  const b = Buffer.alloc(size);
  b.write(`MSG${chunk}`, 0, 'ascii');
  b.writeUInt32LE(size, 4);
  return b;
};

/** Feeds the stream in pieces of `step` bytes, then closes; returns the notes. */
function watch(stream: Buffer, step = 5): string[] {
  const notes: string[] = [];
  const w = frameWatcher((text, o) =>
    notes.push(`${o.violation ? '!' : ''}${o.status ? `${o.status} ` : ''}${text}`),
  );
  for (let i = 0; i < stream.length; i += step) w.push(stream.subarray(i, i + step));
  w.close();
  return notes;
}

describe('frameWatcher', () => {
  const cases: Array<[string, Buffer, string[]]> = [
    ['a sound conversation says nothing', Buffer.concat([ack, msg(100), msg(70000, 'C'), msg(30)]), []],
    [
      'an ERR with an empty reason after the handshake (issue 13)',
      Buffer.concat([ack, encodeErr(0x80130000, '')]),
      [
        'BadSecurityChecksFailed the server sent ERR BadSecurityChecksFailed (0x80130000) with an empty reason',
      ],
    ],
    [
      'a truncated ERR is a violation, and its status is kept',
      Buffer.concat([
        ack,
        (() => {
          const b = encodeErr(0x80820000, '').subarray(0, 12);
          b.writeUInt32LE(12, 4);
          return b;
        })(),
      ]),
      [
        '!BadTcpInternalError the server sent ERR BadTcpInternalError (0x80820000) with an empty reason (malformed: ERR of 12 bytes ends before its reason)',
      ],
    ],
    [
      'a chunk larger than the Hello allowed',
      Buffer.concat([ack, msg(8).fill(0xff, 4, 8)]),
      ['!the server sent a MSG chunk declaring 4294967295 bytes; the Hello allowed 655360'],
    ],
    ['an ACK after the handshake', Buffer.concat([ack, ack]), ['!the server sent ACK after the handshake']],
    [
      'foreign bytes',
      Buffer.concat([ack, Buffer.from('<html>hello</html>')]),
      ['!the server sent bytes that are not an OPC UA message header: "<html>he"'],
    ],
    [
      'a close in the middle of a chunk',
      Buffer.concat([ack, msg(100).subarray(0, 60)]),
      ['!the server closed the connection after 60 of 100 bytes of a MSG chunk'],
    ],
    ['a MSG before any Acknowledge', msg(40), ['!the server answered the Hello with MSG']],
  ];
  for (const [what, stream, expected] of cases) {
    test(what, () => {
      assert.deepEqual(watch(stream), expected);
      assert.deepEqual(watch(stream, 1), expected, 'byte by byte');
    });
  }
});

describe('annotate', () => {
  const base = { message: 'socket has been disconnected by third party' };
  test('no notes: unchanged', () => assert.deepEqual(annotate(base, []), base));
  test('a lost ERR status comes back; a well-formed ERR is no violation', () => {
    const a = annotate(base, [
      { conn: 2, text: 'the server sent ERR …', status: 'BadSecurityChecksFailed', violation: false },
    ]);
    assert.equal(a.statusName, 'BadSecurityChecksFailed');
    assert.equal(a.kind, undefined);
    assert.match(a.message, /third party \[the server sent ERR …\]$/);
  });
  test('a broken rule marks the error; the runtime’s own status wins', () => {
    const a = annotate({ ...base, statusName: 'BadTimeout' }, [
      { conn: 1, text: 'x', status: 'BadTcpInternalError', violation: true },
    ]);
    assert.equal(a.statusName, 'BadTimeout');
    assert.equal(a.kind, 'protocol-violation');
  });
});

test('withTap ties the sockets a probe opens to that probe only', async () => {
  const server = createServer((s) => s.end(Buffer.concat([ack, encodeErr(0x80130000, '')])));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const connect = () =>
    new Promise<void>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port });
      c.on('error', () => {});
      c.on('close', () => resolve());
      c.resume();
    });
  try {
    const [a, b] = await Promise.all([
      withTap(async (tap) => {
        await connect();
        return tap.notes(0).map((n) => n.status);
      }),
      withTap(async (tap) => tap.notes(0).length),
    ]);
    assert.deepEqual(a, ['BadSecurityChecksFailed']);
    assert.equal(b, 0);
    await connect(); // outside any probe: nobody listens, nothing breaks
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
