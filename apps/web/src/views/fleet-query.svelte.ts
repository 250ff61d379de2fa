// The fleet filter lives outside the view so it survives a visit to a cell and back, and in
// the address (lib/fleet-url.ts) so a link opens the same view and back/forward walks it.
import { decodeFleetView, encodeFleetView, type FleetViewState } from '../lib/fleet-url.ts';
import { href, router } from '../lib/router.svelte.ts';

export const fleetQuery = $state<FleetViewState>(
  decodeFleetView(router.route.name === 'fleet' ? router.route.query : ''),
);

/** The address → the filter (a loaded link, back or forward). */
export function readFleetAddress(query: string): void {
  const v = decodeFleetView(query);
  for (const k of Object.keys(v) as Array<keyof FleetViewState>) {
    if (fleetQuery[k] !== v[k]) Object.assign(fleetQuery, { [k]: v[k] });
  }
}

/**
 * The filter → the address: a new history entry for a click (state, grouping, a count), the
 * same entry rewritten while typing in the search box.
 */
export function writeFleetAddress(current: string): string {
  const next = encodeFleetView(fleetQuery);
  if (next === current) return current;
  const before = decodeFleetView(current);
  const typing = (Object.keys(before) as Array<keyof FleetViewState>).every(
    (k) => k === 'text' || before[k] === fleetQuery[k],
  );
  const url = next ? `#/?${next}` : '#/';
  if (typing) history.replaceState(history.state, '', url);
  else history.pushState(history.state, '', url);
  return next;
}

/** The fleet page as it is now filtered: the links back to it keep the view. */
export const fleetHref = (): string => href.fleet(encodeFleetView(fleetQuery));
