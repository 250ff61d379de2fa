// What the agent sends after each snapshot (issue 4 §3): the hash alone when the hub already
// acknowledged the same content, a delta against that acknowledged snapshot when it fits one
// message, otherwise gzip(canonical content) in base64 chunks under MAX_MESSAGE_BYTES.
// The decision is core's choosePublication; bytes, gzip and sha256 live here.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  canonicalSnapshot,
  choosePublication,
  makeDelta,
  type PublicationKind,
  type Snapshot,
} from '@cellfleet/core';
import { createEnvelope, type Envelope, encodeMessage, MAX_MESSAGE_BYTES } from '@cellfleet/protocol';

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function snapshotHash(s: Snapshot): string {
  return sha256Hex(canonicalSnapshot(s));
}

export interface PublisherOptions {
  readonly cell: string;
  readonly newId: () => string;
  readonly now: () => number;
  /** Below the protocol limit, leaving room for the envelope (default: MAX_MESSAGE_BYTES). */
  readonly maxMessageBytes?: number;
}

export interface Publication {
  readonly kind: PublicationKind;
  readonly hash: string;
  readonly messages: Envelope[];
  /** Sum of encoded message sizes: what goes on the wire. */
  readonly bytes: number;
}

interface EndpointState {
  acked?: { hash: string; snapshot: Snapshot };
  latest?: { hash: string; snapshot: Snapshot };
  /** message id → its publication, until the hub acknowledges it. */
  pending: Map<string, PendingPublication>;
}

interface PendingPublication {
  readonly hash: string;
  readonly snapshot: Snapshot;
  /** Ids of this publication's messages not yet acknowledged (chunks travel separately). */
  readonly waiting: Set<string>;
}

const ENVELOPE_ROOM = 1024;

export interface SnapshotPublisher {
  publish(snapshot: Snapshot): Publication;
  /** The hub stored these message ids (ack channel). */
  acknowledged(ids: readonly string[]): void;
  /** The hub asked for a full copy (snapshot-resend): forget the base, send the latest in full. */
  resend(endpoint: string): Publication | undefined;
  ackedHash(endpoint: string): string | undefined;
}

export function createSnapshotPublisher(o: PublisherOptions): SnapshotPublisher {
  const max = o.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const states = new Map<string, EndpointState>();
  const state = (endpoint: string) => {
    const found = states.get(endpoint);
    if (found) return found;
    const created: EndpointState = { pending: new Map() };
    states.set(endpoint, created);
    return created;
  };
  const envelope = <K extends 'snapshot-hash' | 'snapshot-delta' | 'snapshot-chunk'>(
    kind: K,
    body: Envelope<K>['body'],
  ) => createEnvelope({ kind, id: o.newId(), cell: o.cell, ts: o.now(), body } as never) as Envelope;
  const finish = (
    st: EndpointState,
    kind: PublicationKind,
    hash: string,
    messages: Envelope[],
  ): Publication => {
    const pub: PendingPublication = {
      hash,
      snapshot: st.latest!.snapshot,
      waiting: new Set(messages.map((m) => m.id)),
    };
    for (const m of messages) st.pending.set(m.id, pub);
    const bytes = messages.reduce((n, m) => n + encodeMessage(m).byteLength, 0);
    return { kind, hash, messages, bytes };
  };
  const full = (st: EndpointState, s: Snapshot, hash: string): Publication =>
    finish(
      st,
      'full',
      hash,
      chunkMessages(s, hash, max - ENVELOPE_ROOM).map((b) => envelope('snapshot-chunk', b)),
    );

  return {
    publish(s) {
      const st = state(s.endpoint);
      const text = canonicalSnapshot(s);
      const hash = sha256Hex(text);
      st.latest = { hash, snapshot: s };
      const base = st.acked;
      let delta: Envelope | undefined;
      if (base && base.hash !== hash) {
        const d = makeDelta(base.snapshot, s);
        const status = d.status as Envelope<'snapshot-delta'>['body']['status'];
        const body = {
          endpoint: s.endpoint,
          hash,
          baseHash: base.hash,
          takenAt: s.takenAt,
          status,
          ops: d.ops,
        };
        delta = envelope('snapshot-delta', body);
      }
      const deltaBytes = delta ? Buffer.byteLength(JSON.stringify(delta)) : undefined;
      const kind = choosePublication({
        hash,
        ackedHash: base?.hash,
        ...(deltaBytes === undefined ? {} : { deltaMessageBytes: deltaBytes }),
        maxMessageBytes: max,
      });
      if (kind === 'hash') {
        return finish(st, 'hash', hash, [
          envelope('snapshot-hash', { endpoint: s.endpoint, hash, takenAt: s.takenAt }),
        ]);
      }
      if (kind === 'delta' && delta) return finish(st, 'delta', hash, [delta]);
      return full(st, s, hash);
    },
    acknowledged(ids) {
      for (const st of states.values()) {
        for (const id of ids) {
          const pub = st.pending.get(id);
          if (pub === undefined) continue;
          st.pending.delete(id);
          pub.waiting.delete(id);
          // The hub holds this content once every message of the publication is stored.
          if (pub.waiting.size === 0) st.acked = { hash: pub.hash, snapshot: pub.snapshot };
        }
      }
    },
    resend(endpoint) {
      const st = state(endpoint);
      delete st.acked;
      return st.latest ? full(st, st.latest.snapshot, st.latest.hash) : undefined;
    },
    ackedHash: (endpoint) => states.get(endpoint)?.acked?.hash,
  };
}

/** gzip(canonical) split so each base64 chunk message stays under `room` bytes. */
export function chunkMessages(s: Snapshot, hash: string, room: number) {
  const gz = gzipSync(canonicalSnapshot(s));
  const rawPerChunk = Math.floor(((room - 400) * 3) / 4);
  const count = Math.max(1, Math.ceil(gz.length / rawPerChunk));
  return Array.from({ length: count }, (_, index) => ({
    endpoint: s.endpoint,
    hash,
    takenAt: s.takenAt,
    index,
    count,
    encoding: 'gzip+base64' as const,
    data: gz.subarray(index * rawPerChunk, (index + 1) * rawPerChunk).toString('base64'),
  }));
}

/** Inverse of chunkMessages given the chunks in index order (hub side; here for tests). */
export function joinChunks(data: readonly string[]): string {
  return gunzipSync(Buffer.concat(data.map((d) => Buffer.from(d, 'base64')))).toString('utf8');
}
