// Canonical form of a snapshot: the string the agent and the hub both hash with sha256.
// Only the content is included; endpoint name and time are envelope facts, so an unchanged
// server gives the same hash on every run and on every agent.
import { canonicalJson } from '../canonical.ts';
import type { Snapshot, SnapshotContent } from './types.ts';

export function snapshotContent(s: Snapshot | SnapshotContent): SnapshotContent {
  return { format: s.format, status: s.status, entries: s.entries };
}

export function canonicalSnapshot(s: Snapshot | SnapshotContent): string {
  return canonicalJson(snapshotContent(s));
}

/** Rebuilds a snapshot from received content (hub side), checking the shape it relies on. */
export function snapshotFromContent(
  content: unknown,
  meta: { endpoint: string; takenAt: number },
): Snapshot | undefined {
  if (typeof content !== 'object' || content === null) return undefined;
  const c = content as Partial<SnapshotContent>;
  if (c.format !== 1 || typeof c.entries !== 'object' || c.entries === null) return undefined;
  if (typeof c.status !== 'object' || c.status === null) return undefined;
  if (c.status.state !== 'complete' && c.status.state !== 'truncated') return undefined;
  return { format: 1, endpoint: meta.endpoint, takenAt: meta.takenAt, status: c.status, entries: c.entries };
}
