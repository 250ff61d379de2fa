import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeAck, encodeErr, HELLO_LIMITS } from '../opcua/uacp.ts';
import { HelloError, judge, sayHello, statusName } from './hello.ts';
import { startHostilePeer } from './hostile-peer.ts';

const ack = (over = {}) => encodeAck({ protocolVersion: 0, ...HELLO_LIMITS, ...over });
const describeVerdict = (v: ReturnType<typeof judge>) =>
  v === 'wait'
    ? 'wait'
    : v.ack
      ? 'ack'
      : `${v.err?.kind ?? '-'}/${v.err?.statusCode?.name ?? '-'}: ${v.err?.message}`;

describe('judge: the first bytes after a Hello', () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['a sound Acknowledge', ack(), /^ack$/],
    ['half an Acknowledge', ack().subarray(0, 20), /^wait$/],
    ['a header only', ack().subarray(0, 8), /^wait$/],
    [
      'buffer sizes 0',
      ack({ receiveBufferSize: 0 }),
      /^protocol-violation\/-: .*ReceiveBufferSize 0 is below/,
    ],
    ['HTTP', Buffer.from('HTTP/1.1 200 OK\r\n'), /^foreign-bytes\/-: .*"HTTP\/1\.1 200 OK/],
    [
      'a MSG',
      Buffer.concat([Buffer.from('MSGF'), ack().subarray(4)]),
      /^protocol-violation\/-: .*MSG message instead/,
    ],
    [
      'ERR too busy',
      encodeErr(0x807d0000, 'busy'),
      /^-\/BadTcpServerTooBusy: .*ERR BadTcpServerTooBusy \(0x807d0000\) reason "busy"$/,
    ],
    ['ERR with an empty reason', encodeErr(0x80130000, ''), /with an empty reason$/],
    ['half an ERR', encodeErr(0x807d0000, 'busy').subarray(0, 14), /^wait$/],
    [
      'an ERR declaring 1 MiB (status kept)',
      (() => {
        const b = encodeErr(0x80830000, 'x');
        b.writeUInt32LE(1 << 20, 4);
        return b;
      })(),
      /^protocol-violation\/BadTcpEndpointUrlInvalid: .*declares 1048576 bytes/,
    ],
    [
      'bytes after the Acknowledge',
      Buffer.concat([ack(), Buffer.from('x')]),
      /^protocol-violation\/-: sent 1 bytes after the Acknowledge/,
    ],
  ];
  for (const [what, bytes, expected] of cases) {
    test(what, () => assert.match(describeVerdict(judge(bytes)), expected));
  }
});

test('statusName reads node-opcua’s table and ignores the info bits', () => {
  assert.equal(statusName(0x80130000), 'BadSecurityChecksFailed');
  assert.equal(statusName(0x807d0400), 'BadTcpServerTooBusy');
  assert.equal(statusName(0x8fff0000), undefined);
});

describe('sayHello against real sockets', () => {
  // Deadlines: short where the case is about the deadline, generous elsewhere (a loaded machine).
  const cases: Array<
    [string, Parameters<typeof startHostilePeer>[0]['script'], number, (e: HelloError) => void]
  > = [
    ['a close without a word', () => ['end'], 5000, (e) => assert.equal(e.kind, 'peer-closed')],
    ['a reset', () => ['reset'], 5000, (e) => assert.equal(e.code, 'ECONNRESET')],
    ['silence', () => [], 300, (e) => assert.equal(e.timedOut, true)],
    [
      'a trickle slower than the deadline',
      () => [{ trickle: ack(), size: 1, everyMs: 100 }],
      300,
      (e) => assert.match(e.message, /no Acknowledge within 300 ms( \(received \d+ bytes.*\))?$/),
    ],
    [
      'an Acknowledge cut short',
      () => [{ send: ack().subarray(0, 10) }, 'end'],
      5000,
      (e) => assert.match(e.message, /closed the connection after 10 bytes of a 28-byte ACK/),
    ],
  ];
  for (const [what, script, ms, check] of cases) {
    test(what, async () => {
      const peer = await startHostilePeer({ script });
      try {
        const err = await sayHello({ url: peer.url, address: '127.0.0.1', port: peer.port, ms }).then(
          () => assert.fail('expected a HelloError'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof HelloError);
        check(err);
      } finally {
        await peer.close();
      }
    });
  }

  test('a sound Acknowledge resolves with its sizes', async () => {
    const peer = await startHostilePeer({ script: () => [{ send: ack({ maxChunkCount: 7 }) }] });
    try {
      const a = await sayHello({ url: peer.url, address: '127.0.0.1', port: peer.port, ms: 1000 });
      assert.equal(a.maxChunkCount, 7);
    } finally {
      await peer.close();
    }
  });
});
