// The fleet view's state in the address (issue 16, item 5): `#/?state=fault&q=weld&by=line`
// opens the same view for whoever the link is pasted to. Defaults are left out, unknown or
// malformed values fall back to them: a hand-edited link shows a view, never an error.

import type { GroupBy, StateFilter } from './fleet-filter.ts';
import { CELL_STATES } from './format.ts';

export interface FleetViewState {
  text: string;
  state: StateFilter;
  by: GroupBy;
  code: string | undefined;
  vendor: string | undefined;
}

export const DEFAULT_FLEET_VIEW: Readonly<FleetViewState> = {
  text: '',
  state: 'all',
  by: 'sisterGroup',
  code: undefined,
  vendor: undefined,
};

const GROUP_BYS: readonly GroupBy[] = ['sisterGroup', 'line', 'site'];
const MAX = 200;

/** A query string (with or without `?`) → the view; anything unknown is the default. */
export function decodeFleetView(search: string): FleetViewState {
  const p = new URLSearchParams(search.replace(/^\?/, ''));
  const state = p.get('state');
  const by = p.get('by');
  const word = (name: string) => {
    const v = p.get(name)?.slice(0, MAX);
    return v ? v : undefined;
  };
  return {
    text: p.get('q')?.slice(0, MAX) ?? '',
    state: state && (CELL_STATES as readonly string[]).includes(state) ? (state as StateFilter) : 'all',
    by: GROUP_BYS.find((g) => g === by) ?? 'sisterGroup',
    code: word('code'),
    vendor: word('vendor'),
  };
}

/** The view → a query string without `?`, defaults left out ('' for the default view). */
export function encodeFleetView(v: FleetViewState): string {
  const p = new URLSearchParams();
  if (v.text) p.set('q', v.text);
  if (v.state !== 'all') p.set('state', v.state);
  if (v.by !== 'sisterGroup') p.set('by', v.by);
  if (v.code) p.set('code', v.code);
  if (v.vendor) p.set('vendor', v.vendor);
  return p.toString();
}
