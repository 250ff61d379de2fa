import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CaptureSegment } from '@cellfleet/core';
import { encodeErr, encodeHello } from '../opcua/uacp.ts';
import { blank, CAPTURE_LIMITS, chunker } from './capture.ts';

const msg = (size: number) => {
  const b = Buffer.alloc(size, 0x41);
  b.write('MSGF', 0, 'ascii');
  b.writeUInt32LE(size, 4);
  return b;
};

/** Feeds a stream in pieces of `step` bytes; returns the segments kept. */
function feed(stream: Buffer, step: number, budget = { left: CAPTURE_LIMITS.totalBytes }): CaptureSegment[] {
  const out: CaptureSegment[] = [];
  const c = chunker(true, (s) => out.push(s), budget);
  for (let i = 0; i < stream.length; i += step) c.push(stream.subarray(i, i + step));
  c.close();
  return out;
}

describe('capture chunker', () => {
  test('handshake chunks are kept whole, MSG chunks only their first 32 bytes, however the reads split', () => {
    const hello = encodeHello('opc.tcp://kep:49320');
    const stream = Buffer.concat([hello, msg(500), encodeErr(0x80130000, '')]);
    for (const step of [1, 7, 4096]) {
      const segs = feed(stream, step);
      assert.deepEqual(
        segs.map((s) => [Buffer.from(s.data).subarray(0, 3).toString(), s.data.length, s.length]),
        [
          ['HEL', hello.length, hello.length],
          ['MSG', CAPTURE_LIMITS.msgBytes, 500],
          ['ERR', 16, 16],
        ],
        `step ${step}`,
      );
    }
  });

  test('bytes that are not OPC UA are kept up to 256 per read; a cut chunk keeps the length seen', () => {
    const http = Buffer.from(`HTTP/1.1 400 Bad Request\r\n${'x'.repeat(400)}`);
    const [seg] = feed(http, 10_000);
    assert.equal(seg?.data.length, CAPTURE_LIMITS.foreignBytes);
    assert.equal(seg?.length, http.length);
    const cut = feed(encodeHello('opc.tcp://kep:49320').subarray(0, 20), 5);
    assert.deepEqual(
      cut.map((s) => s.length),
      [20],
    );
  });

  test('the total budget stops keeping bytes, never the accounting of lengths', () => {
    const segs = feed(Buffer.concat([msg(100), msg(100)]), 50, { left: 40 });
    assert.deepEqual(
      segs.map((s) => [s.data.length, s.length]),
      [
        [32, 100],
        [8, 100],
      ],
    );
  });

  test('a configured secret is blanked wherever it appears', () => {
    const out = Buffer.from(blank(Buffer.from('user=op;pw=S3cret!;again S3cret!'), [Buffer.from('S3cret!')]));
    assert.equal(out.toString(), 'user=op;pw=*******;again *******');
  });
});
