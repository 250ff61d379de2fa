// The fleet as the hub reports it (GET /api/cells), kept current by the event stream. One
// shared copy: the fleet, group and actions views all read it. A burst of events becomes one
// request: for the cells the events named (GET /api/cells?ids=, merged in place), or the whole
// fleet when they named more than the hub answers at once (a hub restart re-announces every
// cell). At 10,000 cells the whole fleet is 8 MB and ~0.6 s to fetch and rebuild.
import type { CellSummary, LIST_CELLS_MAX_IDS } from '@cellfleet/protocol';
import { api, describe } from './api.ts';
import { mergeCells } from './fleet-merge.ts';
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

/**
 * The contract's limit on GET /api/cells?ids=. Type-only: a value import of the protocol would
 * bring its compiled validators (and their eval, which the page's CSP refuses) into the page; a
 * number other than the contract's does not compile.
 */
const MAX_IDS: typeof LIST_CELLS_MAX_IDS = 100;

/** Cells named by events since the last request, and whether the whole fleet is due instead. */
const named = new Set<string>();
let wholeDue = false;
let busy = false;

async function refreshNamed(ids: readonly string[]): Promise<void> {
  try {
    const answer = await api.get('/api/cells', { query: { ids: ids.join(',') } });
    fleet.cells = mergeCells(fleet.cells, ids, answer);
    fleet.error = null;
    // Current as of now: the event stream said what changed, and it is in.
    fleet.at = Date.now();
  } catch (err) {
    // Not retried at once (a hub that is down would be asked every 200 ms): the whole-fleet
    // refresh every 15 s brings these cells in with the rest.
    fleet.error = describe(err);
  }
}

/** One request at a time; what arrives meanwhile waits for the next. */
async function runRefresh(): Promise<void> {
  timer = null;
  busy = true;
  const ids = [...named];
  const whole = wholeDue || !fleet.loaded || ids.length > MAX_IDS;
  named.clear();
  wholeDue = false;
  try {
    await (whole ? refreshFleet() : refreshNamed(ids));
  } finally {
    busy = false;
    if (wholeDue || named.size > 0) scheduleRefresh(200);
  }
}

function scheduleRefresh(delayMs: number): void {
  if (timer || busy) return;
  timer = setTimeout(() => void runRefresh(), delayMs);
}

export function startFleet(): void {
  if (started) return;
  started = true;
  void refreshFleet();
  onCells((cells) => {
    if (cells.length === 0) wholeDue = true;
    for (const id of cells) named.add(id);
    scheduleRefresh(200);
  });
  // Liveness can also change without a message (the hub ages cells out), and a missed event
  // must not leave the screen wrong for long.
  setInterval(() => {
    wholeDue = true;
    scheduleRefresh(0);
  }, 15_000);
  setInterval(() => {
    clockState.now = Date.now();
  }, 5_000);
}
