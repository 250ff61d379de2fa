// Live updates from GET /api/events (server-sent events). The hub names the cells whose state
// changed; views subscribe and refetch what they show. EventSource reconnects by itself; the
// `connected` flag drives the "live" indicator so a stale screen never looks current.
type Listener = (cells: readonly string[], kinds: readonly string[]) => void;

export const live = $state<{ connected: boolean; lastEventAt: number | null }>({
  connected: false,
  lastEventAt: null,
});

const listeners = new Set<Listener>();
let source: EventSource | null = null;

export function startLive(): void {
  if (source) return;
  source = new EventSource('/api/events', { withCredentials: true });
  source.onopen = () => {
    live.connected = true;
  };
  source.onerror = () => {
    live.connected = false;
  };
  source.addEventListener('cells', (ev) => {
    live.lastEventAt = Date.now();
    const data = JSON.parse((ev as MessageEvent<string>).data) as { cells: string[]; kinds: string[] };
    for (const fn of listeners) fn(data.cells, data.kinds);
  });
}

export function stopLive(): void {
  source?.close();
  source = null;
  live.connected = false;
}

/** Subscribe inside a component's $effect; returns the unsubscribe for its teardown. */
export function onCells(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
