// Snapshot messages (issue 4). An unchanged snapshot costs only its hash on the wire; a changed
// one is a delta against the last snapshot the hub acknowledged, or a gzip full copy in chunks
// under MAX_MESSAGE_BYTES. The hash is sha256 over the canonical content (core's
// canonicalSnapshot); the receiver recomputes it and asks for a resend when it does not match.
import Type from 'typebox';
import { Timestamp } from '../bounds.ts';

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });
const EndpointName = Type.String({ minLength: 1, maxLength: 64 });

export const SnapshotStatusSchema = Type.Object({
  state: Type.Union([Type.Literal('complete'), Type.Literal('truncated')]),
  nodes: Type.Integer({ minimum: 0 }),
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
  notes: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50 })),
});
export type SnapshotStatusSchema = Type.Static<typeof SnapshotStatusSchema>;

export const SnapshotHashBody = Type.Object({
  endpoint: EndpointName,
  hash: Hash,
  takenAt: Timestamp,
});
export type SnapshotHashBody = Type.Static<typeof SnapshotHashBody>;

export const SnapshotDeltaOp = Type.Union([
  Type.Object({ op: Type.Literal('set'), key: Type.String({ minLength: 1 }), value: Type.Unknown() }),
  Type.Object({ op: Type.Literal('del'), key: Type.String({ minLength: 1 }) }),
]);
export type SnapshotDeltaOp = Type.Static<typeof SnapshotDeltaOp>;

export const SnapshotDeltaBody = Type.Object({
  endpoint: EndpointName,
  hash: Hash,
  /** The snapshot the ops apply to: the last one the hub acknowledged. */
  baseHash: Hash,
  takenAt: Timestamp,
  status: SnapshotStatusSchema,
  ops: Type.Array(SnapshotDeltaOp, { maxItems: 100000 }),
});
export type SnapshotDeltaBody = Type.Static<typeof SnapshotDeltaBody>;

/** One piece of gzip(canonical content), base64; pieces share hash and count, index 0..count-1. */
export const SnapshotChunkBody = Type.Object({
  endpoint: EndpointName,
  hash: Hash,
  takenAt: Timestamp,
  index: Type.Integer({ minimum: 0 }),
  count: Type.Integer({ minimum: 1, maximum: 10000 }),
  encoding: Type.Literal('gzip+base64'),
  data: Type.String(),
});
export type SnapshotChunkBody = Type.Static<typeof SnapshotChunkBody>;

/** Hub → agent: send the full snapshot of this endpoint again (the hub lost or lacks the base). */
export const SnapshotResendBody = Type.Object({
  endpoint: EndpointName,
  /** Why, for the agent's log: `unknown-hash`, `missing-base`, `hash-mismatch`. */
  reason: Type.Optional(Type.String({ maxLength: 200 })),
});
export type SnapshotResendBody = Type.Static<typeof SnapshotResendBody>;

/** HTTP: POST /api/groups/:group/golden. Without `hash`, the cell's latest snapshot is pinned. */
export const PinGoldenRequest = Type.Object({
  cell: Type.String({ minLength: 1, maxLength: 200 }),
  hash: Type.Optional(Hash),
  endpoint: Type.Optional(EndpointName),
});
export type PinGoldenRequest = Type.Static<typeof PinGoldenRequest>;
