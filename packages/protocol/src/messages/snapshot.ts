// Snapshot messages (issue 4). An unchanged snapshot costs only its hash on the wire; a changed
// one is a delta against the last snapshot the hub acknowledged, or a compressed full copy in
// chunks under MAX_MESSAGE_BYTES. Filled in by the snapshot work; kept minimal until then.
import Type from 'typebox';

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const SnapshotHashBody = Type.Object({
  endpoint: Type.String({ minLength: 1, maxLength: 64 }),
  hash: Hash,
  takenAt: Type.Integer({ minimum: 0 }),
});
export type SnapshotHashBody = Type.Static<typeof SnapshotHashBody>;

export const SnapshotDeltaBody = Type.Object({
  endpoint: Type.String({ minLength: 1, maxLength: 64 }),
  hash: Hash,
  baseHash: Hash,
  takenAt: Type.Integer({ minimum: 0 }),
  ops: Type.Array(Type.Unknown(), { maxItems: 100000 }),
});
export type SnapshotDeltaBody = Type.Static<typeof SnapshotDeltaBody>;

export const SnapshotChunkBody = Type.Object({
  endpoint: Type.String({ minLength: 1, maxLength: 64 }),
  hash: Hash,
  takenAt: Type.Integer({ minimum: 0 }),
  index: Type.Integer({ minimum: 0 }),
  count: Type.Integer({ minimum: 1, maximum: 10000 }),
  encoding: Type.Literal('gzip+base64'),
  data: Type.String(),
});
export type SnapshotChunkBody = Type.Static<typeof SnapshotChunkBody>;

/** Hub → agent: send the full snapshot of this endpoint again (the hub lost or lacks the base). */
export const SnapshotResendBody = Type.Object({
  endpoint: Type.String({ minLength: 1, maxLength: 64 }),
});
export type SnapshotResendBody = Type.Static<typeof SnapshotResendBody>;
