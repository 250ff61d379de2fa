// The envelope every message travels in. `id` de-duplicates (ingest is idempotent by id),
// `seq` orders one agent's messages, `session` counts the agent's MQTT connections so a
// stale Last Will can be told from a current one.
import Type from 'typebox';
import { Counter, Timestamp } from './bounds.ts';
import { CELL_ID_PATTERN, MESSAGE_ID_PATTERN } from './ids.ts';
import type { BodyOf, MessageKind } from './registry.ts';

/**
 * Major.minor. A receiver accepts any minor of its major and ignores fields it does not know.
 * 1.1: a probe's vendor ids are a pattern (1.0 listed kepware, ignition, generic), and probes
 * may carry vendorDetection and rankedFor. A 1.0 hub refuses a 1.1 probe naming another vendor:
 * upgrade the hub before its agents.
 */
export const PROTOCOL_VERSION = '1.1';
export const PROTOCOL_MAJOR = 1;

/** Hard cap on one MQTT payload. Large snapshots are chunked below it. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Hard cap on one MQTT packet: a payload at MAX_MESSAGE_BYTES plus its topic (a few hundred
 * bytes) and headers. Brokers refuse larger packets at the transport (Mosquitto:
 * `max_packet_size`, docs/deploy.md); nothing the protocol sends comes near it.
 */
export const MAX_PACKET_BYTES = MAX_MESSAGE_BYTES + 4096;

export const EnvelopeSchema = Type.Object({
  v: Type.String({ pattern: '^\\d+\\.\\d+$' }),
  kind: Type.String({ minLength: 1, maxLength: 32 }),
  id: Type.String({ pattern: MESSAGE_ID_PATTERN }),
  cell: Type.String({ pattern: CELL_ID_PATTERN }),
  ts: Timestamp,
  seq: Counter,
  session: Counter,
  body: Type.Unknown(),
});

export interface EnvelopeBase {
  readonly v: string;
  readonly id: string;
  /** `site.line.cell` */
  readonly cell: string;
  /** Milliseconds since the epoch, sender's clock. */
  readonly ts: number;
  /** Per-agent sequence; 0 on hub-originated messages. */
  readonly seq: number;
  /** The agent's connection counter; 0 on hub-originated messages. */
  readonly session: number;
}

export type Envelope<K extends MessageKind = MessageKind> = {
  [P in K]: EnvelopeBase & { readonly kind: P; readonly body: BodyOf<P> };
}[K];

export interface EnvelopeFields<K extends MessageKind> {
  kind: K;
  id: string;
  cell: string;
  ts: number;
  seq?: number;
  session?: number;
  body: BodyOf<K>;
}

export function createEnvelope<K extends MessageKind>(f: EnvelopeFields<K>): Envelope<K> {
  return {
    v: PROTOCOL_VERSION,
    kind: f.kind,
    id: f.id,
    cell: f.cell,
    ts: f.ts,
    seq: f.seq ?? 0,
    session: f.session ?? 0,
    body: f.body,
  } as Envelope<K>;
}
