// Snapshot messages as an agent sends them, for hub tests: a full copy as gzip chunks.
import { gzipSync } from 'node:zlib';
import { canonicalSnapshot, type Snapshot } from '@cellfleet/core';
import { createEnvelope } from '@cellfleet/protocol';
import { sha256Hex } from './ingest.ts';

export const hashOf = (s: Snapshot) => sha256Hex(canonicalSnapshot(s));

/** `s` as `pieces` snapshot-chunk messages of `cell`; `id` names each message. */
export function chunks(cell: string, s: Snapshot, pieces: number, id: () => string) {
  const gz = gzipSync(canonicalSnapshot(s));
  const size = Math.ceil(gz.length / pieces);
  return Array.from({ length: pieces }, (_, index) =>
    createEnvelope({
      kind: 'snapshot-chunk',
      id: id(),
      cell,
      ts: 1,
      body: {
        endpoint: s.endpoint,
        hash: hashOf(s),
        takenAt: s.takenAt,
        index,
        count: pieces,
        encoding: 'gzip+base64',
        data: gz.subarray(index * size, (index + 1) * size).toString('base64'),
      },
    }),
  );
}
