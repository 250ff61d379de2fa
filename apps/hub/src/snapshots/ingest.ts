// One handler per snapshot message kind (CONVENTIONS: a handler per message kind). Each
// returns whether the message may be acknowledged and what to send back: a resend request
// when the hub lacks the base of a delta, does not know a hash, or a payload fails its hash.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  applyDelta,
  canonicalSnapshot,
  type Snapshot,
  type SnapshotDelta,
  snapshotFromContent,
} from '@cellfleet/core';
import type { Envelope } from '@cellfleet/protocol';
import type { StoredVersion } from './store.ts';

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export type IngestStep =
  | { kind: 'record'; snapshot: Snapshot; hash: string }
  | { kind: 'seen'; version: StoredVersion }
  | { kind: 'wait' }
  | { kind: 'resend'; endpoint: string; reason: string };

export interface IngestDeps {
  latest(cell: string, endpoint: string): Promise<StoredVersion | undefined>;
  findVersion(cell: string, hash: string, endpoint: string): Promise<StoredVersion | undefined>;
  load(v: StoredVersion): Promise<Snapshot | undefined>;
  putChunk(
    cell: string,
    chunk: Envelope<'snapshot-chunk'>['body'],
    at: number,
  ): Promise<string[] | undefined>;
  dropChunks(cell: string, endpoint: string, hash: string): Promise<void>;
  hash(text: string): string;
  now(): number;
}

export async function onHash(d: IngestDeps, m: Envelope<'snapshot-hash'>): Promise<IngestStep> {
  const { endpoint, hash, takenAt } = m.body;
  const latest = await d.latest(m.cell, endpoint);
  if (latest?.hash === hash) return { kind: 'seen', version: latest };
  // The cell went back to content the hub already has: a real change, no transfer needed.
  const known = await d.findVersion(m.cell, hash, endpoint);
  const snapshot = known && (await d.load(known));
  if (snapshot) return { kind: 'record', hash, snapshot: { ...snapshot, takenAt } };
  return { kind: 'resend', endpoint, reason: 'unknown-hash' };
}

export async function onDelta(d: IngestDeps, m: Envelope<'snapshot-delta'>): Promise<IngestStep> {
  const { endpoint, hash, baseHash, takenAt } = m.body;
  const latest = await d.latest(m.cell, endpoint);
  if (latest?.hash === hash) return { kind: 'seen', version: latest };
  const baseVersion = await d.findVersion(m.cell, baseHash, endpoint);
  const base = baseVersion && (await d.load(baseVersion));
  if (!base) return { kind: 'resend', endpoint, reason: 'missing-base' };
  const snapshot = applyDelta(base, m.body as unknown as SnapshotDelta, { endpoint, takenAt });
  if (d.hash(canonicalSnapshot(snapshot)) !== hash)
    return { kind: 'resend', endpoint, reason: 'hash-mismatch' };
  return { kind: 'record', hash, snapshot };
}

export async function onChunk(d: IngestDeps, m: Envelope<'snapshot-chunk'>): Promise<IngestStep> {
  const { endpoint, hash, takenAt } = m.body;
  const parts = await d.putChunk(m.cell, m.body, d.now());
  if (!parts) return { kind: 'wait' };
  await d.dropChunks(m.cell, endpoint, hash);
  let text: string;
  try {
    text = gunzipSync(Buffer.concat(parts.map((p) => Buffer.from(p, 'base64')))).toString('utf8');
  } catch {
    return { kind: 'resend', endpoint, reason: 'corrupt-chunks' };
  }
  if (d.hash(text) !== hash) return { kind: 'resend', endpoint, reason: 'hash-mismatch' };
  const snapshot = snapshotFromContent(JSON.parse(text), { endpoint, takenAt });
  if (!snapshot) return { kind: 'resend', endpoint, reason: 'not-a-snapshot' };
  return { kind: 'record', hash, snapshot };
}
