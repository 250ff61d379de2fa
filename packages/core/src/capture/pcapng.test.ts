import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checksum, encodePcapng, frame, ipv4, OPCUA_PORT } from './pcapng.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

/** Block types and lengths, walking the file the way a reader does. */
function blocks(file: Uint8Array): { type: number; length: number; at: number }[] {
  const out: { type: number; length: number; at: number }[] = [];
  for (let at = 0; at < file.length; ) {
    const type = u32(file, at);
    const length = u32(file, at + 4);
    assert.equal(u32(file, at + length - 4), length, `trailing length of the block at ${at}`);
    out.push({ type, length, at });
    at += length;
  }
  return out;
}

describe('pcapng encoder', () => {
  const conn = {
    client: { ip: '127.0.0.1', port: 50_000 },
    server: { ip: '127.0.0.1', port: 49_320 },
    openedAt: 1_700_000_000_000_000,
    closedAt: 1_700_000_000_500_000,
    segments: [
      { at: 1_700_000_000_100_000, fromClient: true, data: bytes('HELF'), length: 4 },
      { at: 1_700_000_000_200_000, fromClient: false, data: bytes('MSGF1234'), length: 200 },
    ],
  };
  const file = encodePcapng({ connections: [conn], comment: 'probe of opc.tcp://127.0.0.1:49320' });

  test('a section header, one Ethernet interface, and handshake + data + close packets', () => {
    const list = blocks(file);
    assert.equal(list[0]?.type, 0x0a0d0d0a);
    assert.equal(u32(file, 8), 0x1a2b3c4d, 'byte-order magic');
    assert.equal(list[1]?.type, 1);
    assert.equal(new DataView(file.buffer).getUint16(list[1]!.at + 8, true), 1, 'LINKTYPE_ETHERNET');
    const packets = list.filter((b) => b.type === 6);
    assert.equal(packets.length, 3 + 2 + 3, 'SYN, SYN-ACK, ACK; two segments; FIN, FIN, ACK');
    assert.ok(new TextDecoder().decode(file).includes('probe of opc.tcp://127.0.0.1:49320'));
  });

  test('a capped chunk is a truncated packet: captured < original, and sequence numbers count the original', () => {
    const packets = blocks(file).filter((b) => b.type === 6);
    const data = packets[4]!;
    assert.equal(u32(file, data.at + 20), 54 + 8, 'captured: headers + kept bytes');
    assert.equal(u32(file, data.at + 24), 54 + 200, 'original: headers + the chunk on the wire');
    const seqOf = (p: { at: number }) => new DataView(file.buffer).getUint32(p.at + 28 + 14 + 20 + 4);
    // The server's FIN comes after the 200-byte chunk: its sequence number moved by 200.
    assert.equal(seqOf(packets[6]!) - seqOf(data), 200);
  });

  test('timestamps are microseconds; the server side is port 4840', () => {
    const syn = blocks(file).filter((b) => b.type === 6)[0]!;
    const ts = u32(file, syn.at + 12) * 2 ** 32 + u32(file, syn.at + 16);
    assert.equal(ts, conn.openedAt);
    const dport = new DataView(file.buffer).getUint16(syn.at + 28 + 14 + 20 + 2);
    assert.equal(dport, OPCUA_PORT);
  });

  test('IPv4 header checksum verifies to zero; addresses fall back to 10.0.0.n', () => {
    const f = frame({
      from: { ip: ipv4('::ffff:192.168.1.5', 1), port: 1 },
      to: { ip: ipv4('fe80::1', 2), port: 2 },
      seq: 1,
      ack: 1,
      flags: 0x18,
      data: bytes('x'),
      length: 1,
    });
    assert.equal(checksum(f.subarray(14, 34)), 0);
    assert.deepEqual([...f.subarray(26, 30)], [192, 168, 1, 5]);
    assert.deepEqual([...f.subarray(30, 34)], [10, 0, 0, 2]);
  });
});
