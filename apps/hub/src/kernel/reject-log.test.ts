import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { createRejectLog } from './reject-log.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}
const settle = () => new Promise((r) => setImmediate(r));

test('20,000 refusals from two cells are one line per cell per interval, with their counts', async () => {
  const { lines, logger } = capture();
  const rejects = createRejectLog({ logger, intervalMs: 60_000 });
  for (let i = 0; i < 20_000; i++) rejects.note(i % 4 === 0 ? 'p.l.b' : 'p.l.a', 'invalid-message', { i });
  rejects.note('p.l.a', 'packet-too-large', { bytes: 1 });
  rejects.flush();
  await settle();
  assert.equal(lines.length, 2);
  const a = lines.find((l) => l['cell'] === 'p.l.a');
  assert.deepEqual(a?.['counts'], { 'invalid-message': 15_000, 'packet-too-large': 1 });
  assert.equal(a?.['refused'], 15_001);
  assert.deepEqual(a?.['example'], { reason: 'invalid-message', i: 1 });
  rejects.note(undefined, 'bad-credentials');
  rejects.stop();
  await settle();
  assert.equal(lines.length, 3);
  assert.equal(lines[2]?.['cell'], '(unauthenticated)');
  assert.deepEqual(rejects.totals(), {
    'p.l.a': { 'invalid-message': 15_000, 'packet-too-large': 1 },
    'p.l.b': { 'invalid-message': 5000 },
    '(unauthenticated)': { 'bad-credentials': 1 },
  });
});

test('the interval timer logs on its own, and an idle log keeps no timer', async () => {
  const { lines, logger } = capture();
  const rejects = createRejectLog({ logger, intervalMs: 30 });
  rejects.note('p.l.a', 'invalid-message');
  rejects.note('p.l.a', 'invalid-message');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.['refused'], 2);
});
