// Parsed snapshot contents by hash, most recently used kept. The sister comparison reads the
// latest body of every cell in a group on each request; gunzip + JSON.parse of a 5,000-key
// body costs ~9 ms, so 1,000 cells spent 10–30 s parsing against ~1.7 s comparing. A body is
// content-addressed (its hash is its identity), so a parsed copy never goes stale, on this
// replica or any other: no invalidation, only a memory bound.
//
// The bound counts entry keys, the thing memory grows with: measured ~95 bytes of V8 heap per
// key for Kepware-shaped entries ({class, dataType, access, value}). The default, 5,500,000 keys
// (1,000 cells × 5,000 keys and 10 % headroom), is ~520 MB when full, about what one 1,000-cell
// comparison held at once anyway while it ran. Cached entries are shared between callers and
// must be treated as read-only.
import type { SnapshotContent } from '@cellfleet/core';

export const DEFAULT_CACHE_KEYS = 5_500_000;

export interface ParsedSnapshotCache {
  get(hash: string): SnapshotContent | undefined;
  /** Keeps `content` unless it alone exceeds the bound; evicts least recently used ones to fit. */
  set(hash: string, content: SnapshotContent): void;
  /** Entry keys held now (never above the bound). */
  readonly keys: number;
  readonly size: number;
}

export function createParsedSnapshotCache(maxKeys = DEFAULT_CACHE_KEYS): ParsedSnapshotCache {
  // A Map iterates in insertion order: re-inserting on use makes the first entry the least recent.
  const held = new Map<string, { content: SnapshotContent; keys: number }>();
  let keys = 0;
  const drop = (hash: string) => {
    keys -= held.get(hash)?.keys ?? 0;
    held.delete(hash);
  };
  return {
    get(hash) {
      const e = held.get(hash);
      if (!e) return undefined;
      held.delete(hash);
      held.set(hash, e);
      return e.content;
    },
    set(hash, content) {
      drop(hash);
      const n = Object.keys(content.entries).length;
      if (n > maxKeys) return;
      for (const oldest of held.keys()) {
        if (keys + n <= maxKeys) break;
        drop(oldest);
      }
      held.set(hash, { content, keys: n });
      keys += n;
    },
    get keys() {
      return keys;
    },
    get size() {
      return held.size;
    },
  };
}
