// A sim agent's snapshot duty, as apps/agent/src/runtime/snapshots.ts does it for a real cell
// but over a synthetic configuration (sim-config.ts) instead of an OPC UA browse. The wire
// format is the real agent's publisher: a hash when the hub already holds the content, a delta
// against what it acknowledged, a gzip copy otherwise or when the hub asks for one.

import { randomUUID } from 'node:crypto';
import { createSnapshotPublisher, type Publication } from '@cellfleet/agent';
import type { Envelope } from '@cellfleet/protocol';
import type { SimConfiguration } from './sim-config.ts';

/** The counters this duty keeps (a part of the fleet's SimCounters). */
export interface SnapshotCounters {
  snapshotsFull: number;
  snapshotsDelta: number;
  snapshotsHash: number;
  /** `snapshot-resend` requests answered with a full copy. */
  resendsAnswered: number;
}

export interface SimSnapshotOptions {
  readonly cell: string;
  readonly config: SimConfiguration;
  /** Probability per cycle that one configuration value changes first (0..1). */
  readonly driftRate: number;
  readonly counters: SnapshotCounters;
  readonly now: () => number;
  readonly random: () => number;
}

export interface SimSnapshots {
  /** One snapshot cycle: maybe drift, then what the publisher sends (seq/session unstamped). */
  cycle(): Envelope[];
  acknowledged(ids: readonly string[]): void;
  /** The hub lacks this endpoint's content: the full copy. */
  resend(endpoint: string): Envelope[];
}

export function createSimSnapshots(o: SimSnapshotOptions): SimSnapshots {
  const publisher = createSnapshotPublisher({ cell: o.cell, newId: randomUUID, now: o.now });
  const count = (p: Publication) => {
    if (p.kind === 'full') o.counters.snapshotsFull++;
    else if (p.kind === 'delta') o.counters.snapshotsDelta++;
    else o.counters.snapshotsHash++;
    return p.messages;
  };
  return {
    cycle() {
      if (o.driftRate > 0 && o.random() < o.driftRate) o.config.drift(o.random);
      return count(publisher.publish(o.config.snapshot(o.now())));
    },
    acknowledged: (ids) => publisher.acknowledged(ids),
    resend(endpoint) {
      const p = publisher.resend(endpoint);
      if (!p) return [];
      o.counters.resendsAnswered++;
      return count(p);
    },
  };
}
