// The fleet as the hub reports it (GET /api/cells), kept current by the event stream. One
// shared copy: the fleet, group and actions views all read it, and a burst of events (a hub
// restart re-announces every cell) becomes one refetch.
import type { CellSummary } from '@cellfleet/protocol';
import { api, describe } from './api.ts';
import { onCells } from './live.svelte.ts';

// `cells` is raw state: every refetch replaces the array whole and nothing changes it in place,
// so the hub's answer needs no deep proxy — at 10,000 cells reading through one per property
// cost the first render and each live update hundreds of ms (bench/fleet-page.ts, issue 16).
class FleetState {
  cells = $state.raw<CellSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  at = $state(0);
}

export const fleet = new FleetState();

/** A clock for "3 min ago" labels, ticking every few seconds so they stay true. */
export const clockState = $state({ now: Date.now() });

let timer: ReturnType<typeof setTimeout> | null = null;
let started = false;

export async function refreshFleet(): Promise<void> {
  try {
    fleet.cells = await api.get('/api/cells');
    fleet.error = null;
    fleet.at = Date.now();
  } catch (err) {
    fleet.error = describe(err);
  } finally {
    fleet.loaded = true;
  }
}

function scheduleRefresh(delayMs: number): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    void refreshFleet();
  }, delayMs);
}

export function startFleet(): void {
  if (started) return;
  started = true;
  void refreshFleet();
  onCells(() => scheduleRefresh(200));
  // Liveness can also change without a message (the hub ages cells out), and a missed event
  // must not leave the screen wrong for long.
  setInterval(() => scheduleRefresh(0), 15_000);
  setInterval(() => {
    clockState.now = Date.now();
  }, 5_000);
}
