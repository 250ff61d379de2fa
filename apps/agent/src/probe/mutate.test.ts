import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeAck, encodeErr, HELLO_LIMITS, readHeader } from '../opcua/uacp.ts';
import type { PeerFrame, PeerStep } from './hostile-peer.ts';
import { type CorpusFrame, corpusOf, MUTATION_OPS, planMutation, prng } from './mutate.ts';

const ackBytes = encodeAck({ protocolVersion: 0, ...HELLO_LIMITS });
const corpus: CorpusFrame[] = [
  { conn: 1, index: 0, type: 'ACK', size: 28 },
  { conn: 2, index: 1, type: 'OPN', size: 133 },
  { conn: 2, index: 2, type: 'MSG', size: 4000 },
];
const frameAt = (c: CorpusFrame, bytes: Buffer): PeerFrame => {
  const read = readHeader(bytes);
  assert.ok(read.ok);
  return { conn: c.conn, index: c.index, from: 'server', header: read.header, bytes };
};
const sent = (steps: readonly PeerStep[] | undefined) =>
  JSON.stringify(
    (steps ?? []).map((s) => (typeof s === 'object' && 'send' in s ? s.send.toString('hex') : s)),
  );

describe('planMutation', () => {
  test('the same seed and corpus give the same target, operator and bytes', () => {
    for (const seed of [1, 7, 42, 1234, 99_999]) {
      const a = planMutation(seed, corpus);
      const b = planMutation(seed, corpus);
      assert.deepEqual([a.target, a.op], [b.target, b.op]);
      const bytes = Buffer.concat([ackBytes, Buffer.alloc(a.target.size - 28)]);
      bytes.writeUInt32LE(a.target.size, 4);
      assert.equal(sent(a.script(frameAt(a.target, bytes))), sent(b.script(frameAt(b.target, bytes))));
    }
  });

  test('only the target frame is touched, and only once', () => {
    const p = planMutation(3, corpus);
    const other = corpus.find((c) => c !== p.target) as CorpusFrame;
    assert.equal(p.script(frameAt(other, ackBytes)), undefined);
    assert.equal(p.script({ ...frameAt(p.target, ackBytes), from: 'client' }), undefined);
    assert.equal(p.hit(), false);
    assert.notEqual(p.script(frameAt(p.target, ackBytes)), undefined);
    assert.equal(p.hit(), true);
    assert.equal(p.script(frameAt(p.target, ackBytes)), undefined, 'a second pass goes through');
  });

  test('a few hundred seeds reach every operator and every frame', () => {
    const ops = new Set<string>();
    const targets = new Set<number>();
    for (let seed = 1; seed <= 300; seed++) {
      const p = planMutation(seed, corpus);
      ops.add(p.op);
      targets.add(corpus.indexOf(p.target));
    }
    assert.deepEqual([...ops].sort(), [...MUTATION_OPS].sort());
    assert.equal(targets.size, corpus.length);
  });

  test('an empty corpus is refused', () => assert.throws(() => planMutation(1, []), /empty corpus/));
});

test('prng is deterministic and in [0, 1)', () => {
  const a = prng(5);
  const b = prng(5);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(
    xs.slice(0, 5),
    Array.from({ length: 5 }, () => b()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notEqual(prng(6)(), prng(5)());
});

test('corpusOf keeps the server frames in order', () => {
  const err = encodeErr(0x80820000, 'x');
  const frames: PeerFrame[] = [
    { ...frameAt(corpus[0] as CorpusFrame, ackBytes), from: 'client' },
    frameAt(corpus[0] as CorpusFrame, ackBytes),
    frameAt(corpus[1] as CorpusFrame, err),
  ];
  assert.deepEqual(corpusOf(frames), [
    { conn: 1, index: 0, type: 'ACK', size: 28 },
    { conn: 2, index: 1, type: 'ERR', size: 17 },
  ]);
});
