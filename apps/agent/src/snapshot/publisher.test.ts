import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalSnapshot, type Snapshot } from '@cellfleet/core';
import { encodeMessage, MAX_MESSAGE_BYTES } from '@cellfleet/protocol';
import { createSnapshotPublisher, joinChunks, snapshotHash } from './publisher.ts';

let n = 0;
const publisher = () =>
  createSnapshotPublisher({
    cell: 'site.line.cell-1',
    newId: () => `msg-${String(++n).padStart(8, '0')}`,
    now: () => 1000,
  });
const snap = (entries: Snapshot['entries']): Snapshot => ({
  format: 1,
  endpoint: 'kepware',
  takenAt: 5,
  status: { state: 'complete', nodes: 1 },
  entries,
});

test('first snapshot goes in full; once acknowledged, unchanged costs only a hash under 1 KB', () => {
  const p = publisher();
  const s = snap({ 'server.softwareVersion': '6.16.1' });
  const first = p.publish(s);
  assert.equal(first.kind, 'full');
  const body = first.messages[0]!.body as { data: string };
  assert.equal(joinChunks([body.data]), canonicalSnapshot(s));
  assert.equal(p.publish(s).kind, 'full', 'not acknowledged yet: still the full copy');
  p.acknowledged(first.messages.map((m) => m.id));
  const again = p.publish(s);
  assert.equal(again.kind, 'hash');
  assert.ok(again.bytes < 1024, `${again.bytes} bytes`);
  assert.equal(p.ackedHash('kepware'), snapshotHash(s));
});

test('a change goes as a delta against the acknowledged base; resend forgets the base', () => {
  const p = publisher();
  const base = p.publish(snap({ a: 1, b: 2 }));
  p.acknowledged(base.messages.map((m) => m.id));
  const next = p.publish(snap({ a: 1, b: 3 }));
  assert.equal(next.kind, 'delta');
  assert.deepEqual((next.messages[0]!.body as { ops: unknown[] }).ops, [{ op: 'set', key: 'b', value: 3 }]);
  const resend = p.resend('kepware');
  assert.equal(resend?.kind, 'full');
  assert.equal(p.ackedHash('kepware'), undefined);
});

test('a large snapshot is chunked under the message size limit', () => {
  const p = publisher();
  const entries: Snapshot['entries'] = {};
  // Random-looking values so gzip cannot shrink it below one chunk.
  for (let i = 0; i < 40_000; i++)
    entries[`/Objects/{KEPServerEX}T${i}`] = { class: 'Variable', value: (i * 2654435761) % 1e9 };
  const pub = p.publish(snap(entries));
  assert.equal(pub.kind, 'full');
  assert.ok(pub.messages.length > 1, `${pub.messages.length} chunks`);
  for (const m of pub.messages) assert.ok(encodeMessage(m).byteLength <= MAX_MESSAGE_BYTES);
  const text = joinChunks(pub.messages.map((m) => (m.body as { data: string }).data));
  assert.equal(JSON.parse(text).entries['/Objects/{KEPServerEX}T7'].value, (7 * 2654435761) % 1e9);
  // A big change that does not fit one delta message falls back to chunks.
  p.acknowledged(pub.messages.map((m) => m.id));
  const all: Snapshot['entries'] = {};
  for (const k of Object.keys(entries)) all[k] = { class: 'Variable', value: `changed-${k}` };
  assert.equal(p.publish(snap(all)).kind, 'full');
});
