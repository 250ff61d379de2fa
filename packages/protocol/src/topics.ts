// The topic namespace, built and parsed only here. The hub's broker ACL uses parseTopic too,
// so what an agent may touch is decided by the same code that names the topics.
//
//   cellfleet/v1/<site>/<line>/<cell>/<channel>
//
// Up channels are published by the agent, down channels by the hub.

import { type CellRef, segmentProblem } from './ids.ts';

export const TOPIC_ROOT = 'cellfleet';
export const TOPIC_VERSION = 'v1';

export const UP_CHANNELS = ['state', 'probe', 'snapshot', 'result', 'health'] as const;
export const DOWN_CHANNELS = ['ack', 'cmd'] as const;
export type UpChannel = (typeof UP_CHANNELS)[number];
export type DownChannel = (typeof DOWN_CHANNELS)[number];
export type Channel = UpChannel | DownChannel;

export function isUpChannel(c: string): c is UpChannel {
  return (UP_CHANNELS as readonly string[]).includes(c);
}
export function isDownChannel(c: string): c is DownChannel {
  return (DOWN_CHANNELS as readonly string[]).includes(c);
}

export function buildTopic(ref: CellRef, channel: Channel): string {
  for (const [field, value] of Object.entries(ref)) {
    const problem = segmentProblem(value);
    if (problem) throw new TypeError(`topic ${field} "${String(value)}" ${problem}`);
  }
  return `${TOPIC_ROOT}/${TOPIC_VERSION}/${ref.site}/${ref.line}/${ref.cell}/${channel}`;
}

export type ParsedTopic =
  | { ok: true; ref: CellRef; channel: Channel; direction: 'up' | 'down' }
  | { ok: false; reason: string };

export function parseTopic(topic: string): ParsedTopic {
  const parts = topic.split('/');
  if (parts.length !== 6) return { ok: false, reason: `expected 6 levels, got ${parts.length}` };
  const [root, version, site, line, cell, channel] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (root !== TOPIC_ROOT) return { ok: false, reason: `root must be "${TOPIC_ROOT}"` };
  if (version !== TOPIC_VERSION) return { ok: false, reason: `unsupported topic version "${version}"` };
  for (const [field, value] of [
    ['site', site],
    ['line', line],
    ['cell', cell],
  ] as const) {
    const problem = segmentProblem(value);
    if (problem) return { ok: false, reason: `${field} ${problem}` };
  }
  const ref = { site, line, cell };
  if (isUpChannel(channel)) return { ok: true, ref, channel, direction: 'up' };
  if (isDownChannel(channel)) return { ok: true, ref, channel, direction: 'down' };
  return { ok: false, reason: `unknown channel "${channel}"` };
}

/**
 * Filters the hub subscribes to. With a share group the filters become MQTT shared
 * subscriptions (`$share/<group>/...`) so several hub replicas split the ingest; Mosquitto,
 * EMQX, HiveMQ and VerneMQ accept them on MQTT 3.1.1 connections too.
 */
export function hubSubscriptions(shareGroup?: string): string[] {
  return UP_CHANNELS.map((c) => {
    const filter = `${TOPIC_ROOT}/${TOPIC_VERSION}/+/+/+/${c}`;
    return shareGroup ? `$share/${shareGroup}/${filter}` : filter;
  });
}

/** Filters an agent subscribes to: its own down channels, nothing else. */
export function agentSubscriptions(ref: CellRef): string[] {
  return DOWN_CHANNELS.map((c) => buildTopic(ref, c));
}
