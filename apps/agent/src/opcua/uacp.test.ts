import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Acknowledge,
  ackViolations,
  createFrameSplitter,
  describeBytes,
  encodeAck,
  encodeErr,
  encodeHello,
  HELLO_LIMITS,
  parseAck,
  parseErr,
  readHeader,
} from './uacp.ts';

const sound: Acknowledge = { protocolVersion: 0, ...HELLO_LIMITS };
const withInt = (b: Buffer, at: number, v: number) => {
  const c = Buffer.from(b);
  c.writeInt32LE(v, at);
  return c;
};

describe('readHeader', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['an Acknowledge', encodeAck(sound), 'ACK/F/28'],
    ['a Hello', encodeHello('opc.tcp://h:4840'), 'HEL/F/48'],
    ['an intermediate MSG chunk', Buffer.from('MSGC\x10\x00\x00\x00', 'latin1'), 'MSG/C/16'],
    ['an abort chunk', Buffer.from('MSGA\x08\x00\x00\x00', 'latin1'), 'MSG/A/8'],
    ['HTTP', Buffer.from('HTTP/1.1 400 Bad Request'), 'not OPC UA: "HTTP/1.1 400 Bad Request"'],
    ['an unknown chunk type', Buffer.from('ACKX\x1c\x00\x00\x00', 'latin1'), 'not OPC UA'],
    ['a size below the header', Buffer.from('ERRF\x04\x00\x00\x00', 'latin1'), 'declaring 4 bytes'],
    ['too few bytes', Buffer.from('ACK'), 'only 3 bytes'],
  ];
  for (const [what, bytes, expected] of cases) {
    test(what, () => {
      const r = readHeader(bytes);
      const got = r.ok ? `${r.header.type}/${r.header.chunk}/${r.header.size}` : r.why;
      assert.ok(got.includes(expected.replace('not OPC UA', 'not an OPC UA message header')), got);
    });
  }
});

describe('ackViolations (Part 6 §7.1.2.4)', () => {
  const cases: Array<[string, Partial<Acknowledge>, string[]]> = [
    ['sound', {}, []],
    ['exactly the minimum', { receiveBufferSize: 8192, sendBufferSize: 8192 }, []],
    [
      'zero',
      { receiveBufferSize: 0, sendBufferSize: 0 },
      [
        'ReceiveBufferSize 0 is below the minimum of 8192 bytes',
        'SendBufferSize 0 is below the minimum of 8192 bytes',
      ],
    ],
    [
      '4 GiB',
      { sendBufferSize: 2 ** 32 - 1 },
      ['SendBufferSize 4294967295 is larger than the 655360 bytes the Hello allowed'],
    ],
    ['limits of 0 mean "no limit"', { maxMessageSize: 0, maxChunkCount: 0 }, []],
  ];
  for (const [what, over, expected] of cases) {
    test(what, () => assert.deepEqual(ackViolations(parseAck(encodeAck({ ...sound, ...over }))), expected));
  }
});

describe('parseErr never reads past the frame', () => {
  const cases: Array<[string, Buffer, string | null, string[]]> = [
    ['well formed', encodeErr(0x80830000, 'bad url'), 'bad url', []],
    ['null reason', encodeErr(0x807d0000, null), null, []],
    ['empty reason', encodeErr(0x80130000, ''), '', []],
    [
      'no reason field',
      encodeErr(0x80130000, '').subarray(0, 12),
      null,
      ['ERR of 12 bytes ends before its reason'],
    ],
    [
      'huge reason length',
      withInt(Buffer.concat([encodeErr(0x80820000, ''), Buffer.from('abcd')]), 12, 0x7fffffff),
      'abcd',
      [
        'ERR reason length 2147483647 exceeds 4096 bytes',
        'ERR reason declares 2147483647 bytes, the frame holds 4',
      ],
    ],
    ['negative length', withInt(encodeErr(0x80820000, ''), 12, -5), '', ['ERR reason length -5 is negative']],
    ['a Good status', encodeErr(0, 'fine'), 'fine', ['ERR carries status 0x00000000, which is not Bad']],
    [
      'not UTF-8, control characters escaped',
      Buffer.concat([withInt(encodeErr(0x807d0000, ''), 12, 3), Buffer.from([0xff, 0x0a, 0x41])]),
      'ÿ\\x0aA',
      ['ERR reason is not valid UTF-8'],
    ],
    [
      'trailing bytes',
      Buffer.concat([withInt(encodeErr(0x807d0000, ''), 12, 1), Buffer.from('ab')]),
      'a',
      ['1 bytes after the ERR reason'],
    ],
  ];
  for (const [what, frame, reason, violations] of cases) {
    test(what, () => {
      const e = parseErr(frame);
      assert.equal(e.reason, reason);
      assert.deepEqual(e.violations, violations);
    });
  }
});

test('describeBytes shows text as text, binary as hex, both bounded', () => {
  assert.equal(describeBytes(Buffer.from('SSH-2.0\r\n')), '"SSH-2.0\\x0d\\x0a"');
  assert.equal(describeBytes(Buffer.from([0xff, 0, 1])), '0xff0001');
  assert.equal(describeBytes(Buffer.alloc(100, 0x41), 4), '"AAAA…"');
});

test('createFrameSplitter joins split chunks and refuses oversized ones', () => {
  const split = createFrameSplitter(64);
  const two = Buffer.concat([encodeAck(sound), encodeErr(0x80820000, 'x')]);
  assert.deepEqual(split(two.subarray(0, 5)), []);
  const frames = split(two.subarray(5));
  assert.deepEqual(
    frames.map((f) => f.length),
    [28, 17],
  );
  assert.throws(
    () => createFrameSplitter(64)(encodeErr(0x80820000, 'x'.repeat(100))),
    /ERR chunk of 116 bytes/,
  );
  assert.throws(() => createFrameSplitter(64)(Buffer.from('GET / HTTP/1.1')), /not an OPC UA message header/);
});
