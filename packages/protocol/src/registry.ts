// One row per message kind: where it travels and the schema of its body.
// Adding a kind here makes the compiler point at every switch that must handle it.
import type Type from 'typebox';
import type { CellRef } from './ids.ts';
import { ActionBody, ActionResultBody } from './messages/action.ts';
import { CaptureBody } from './messages/capture.ts';
import { ProbeBody } from './messages/probe.ts';
import {
  SnapshotChunkBody,
  SnapshotDeltaBody,
  SnapshotHashBody,
  SnapshotResendBody,
} from './messages/snapshot.ts';
import { AckBody, BirthBody, DeathBody, HealthBody } from './messages/state.ts';
import { buildTopic, type Channel, type DownChannel, type UpChannel } from './topics.ts';

interface KindSpec {
  readonly channel: Channel;
  readonly body: Type.TSchema;
  /** Retained on the broker (MQTT 3.1.1 §3.3.1.3): the last state survives for new subscribers. */
  readonly retained: boolean;
}

export const MESSAGE_KINDS = {
  birth: { channel: 'state', body: BirthBody, retained: true },
  death: { channel: 'state', body: DeathBody, retained: true },
  health: { channel: 'health', body: HealthBody, retained: false },
  probe: { channel: 'probe', body: ProbeBody, retained: false },
  capture: { channel: 'probe', body: CaptureBody, retained: false },
  'snapshot-hash': { channel: 'snapshot', body: SnapshotHashBody, retained: false },
  'snapshot-delta': { channel: 'snapshot', body: SnapshotDeltaBody, retained: false },
  'snapshot-chunk': { channel: 'snapshot', body: SnapshotChunkBody, retained: false },
  'action-result': { channel: 'result', body: ActionResultBody, retained: false },
  ack: { channel: 'ack', body: AckBody, retained: false },
  action: { channel: 'cmd', body: ActionBody, retained: false },
  'snapshot-resend': { channel: 'cmd', body: SnapshotResendBody, retained: false },
} as const satisfies Record<string, KindSpec>;

export type Kinds = typeof MESSAGE_KINDS;
export type MessageKind = keyof Kinds;
export type BodyOf<K extends MessageKind> = Type.Static<Kinds[K]['body']>;
/** The kinds an agent sends (on up channels); the hub's ingest routes each of them. */
export type UpKind = { [K in MessageKind]: Kinds[K]['channel'] extends UpChannel ? K : never }[MessageKind];
/** The kinds the hub sends (on down channels). */
export type DownKind = {
  [K in MessageKind]: Kinds[K]['channel'] extends DownChannel ? K : never;
}[MessageKind];

export function isMessageKind(kind: unknown): kind is MessageKind {
  return typeof kind === 'string' && Object.hasOwn(MESSAGE_KINDS, kind);
}

/** The topic a message of `kind` from or to cell `ref` travels on. */
export function topicOf(ref: CellRef, kind: MessageKind): string {
  return buildTopic(ref, MESSAGE_KINDS[kind].channel);
}
