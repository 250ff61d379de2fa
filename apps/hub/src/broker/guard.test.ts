import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Budget, PacketScanner } from './guard.ts';

/** MQTT 3.1.1 §2.2.3: seven bits per byte, least significant first, high bit = more follows. */
function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** A QoS 1 PUBLISH (§3.3) with a payload of `bytes` bytes. */
function publish(bytes: number): Buffer {
  const topic = Buffer.from('cellfleet/v1/p/l/c/probe');
  const variable = Buffer.concat([Buffer.from([0, topic.length]), topic, Buffer.from([0, 1])]);
  const length = variable.length + bytes;
  return Buffer.concat([Buffer.from([0x32, ...remainingLength(length)]), variable, Buffer.alloc(bytes, 1)]);
}
const ping = Buffer.from([0xc0, 0]);

test('the scanner counts PUBLISH packets across any chunking, keeping no bytes', () => {
  const stream = Buffer.concat([publish(10), ping, publish(300), publish(70_000), ping]);
  for (const size of [1, 2, 3, 7, 64, 1000, stream.length]) {
    const scanner = new PacketScanner(100_000);
    let publishes = 0;
    for (let i = 0; i < stream.length; i += size) {
      const s = scanner.scan(stream.subarray(i, i + size));
      assert.ok('publishes' in s, `chunks of ${size}: ${JSON.stringify(s)}`);
      publishes += s.publishes;
    }
    assert.equal(publishes, 3, `chunks of ${size}`);
  }
});

test('a packet above the limit is refused at its header, before its body arrives', () => {
  const scanner = new PacketScanner(266_240);
  const header = publish(20 * 1024 * 1024).subarray(0, 40); // the fixed header and the topic
  const s = scanner.scan(header);
  assert.ok('tooLarge' in s);
  assert.ok(s.tooLarge > 20 * 1024 * 1024);
  const exact = new PacketScanner(publish(1000).length);
  assert.deepEqual(exact.scan(publish(1000)), { publishes: 1 }, 'at the limit is allowed');
});

test('a Remaining Length longer than four bytes is malformed (MQTT 3.1.1 §2.2.3)', () => {
  const s = new PacketScanner(1e9).scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
  assert.ok('malformed' in s);
});

test('the budget lets a burst through, then makes the sender wait its debt off', () => {
  const b = new Budget({ messagesPerSec: 10, bytesPerSec: 1_000_000 }, 0);
  assert.equal(b.take(20, 100, 0), 0, 'two seconds of burst');
  assert.equal(b.take(10, 100, 0), 1000, '10 messages over: one second');
  assert.equal(b.take(0, 0, 1000), 0, 'paid off after a second');
  const bytes = new Budget({ messagesPerSec: 1000, bytesPerSec: 1000 }, 0);
  assert.equal(bytes.take(1, 4000, 0), 2000, 'bytes over budget count too');
});
