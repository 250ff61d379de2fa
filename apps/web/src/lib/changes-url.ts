// The change feed's filters in the address, as the fleet's are (fleet-url.ts): a link to
// `#/changes?range=7d&kind=drift&group=presses` pasted into a ticket opens the same feed.
// Defaults are left out; an unknown or malformed value falls back to its default.
import type { ChangeKind } from '@cellfleet/protocol';
import { CHANGE_RANGES } from './fleet-pages.ts';

export type RangeKey = (typeof CHANGE_RANGES)[number]['key'];

export interface ChangesViewState {
  range: RangeKey;
  kind: ChangeKind | '';
  site: string;
  line: string;
  group: string;
  /** Part of a cell id. */
  cell: string;
}

export const DEFAULT_CHANGES_VIEW: Readonly<ChangesViewState> = {
  range: '24h',
  kind: '',
  site: '',
  line: '',
  group: '',
  cell: '',
};

/** The kinds the feed knows (the protocol's CHANGE_KINDS; the web bundle imports types only). */
const KINDS: readonly ChangeKind[] = ['drift', 'version', 'certificate', 'action'];
const MAX = 200;

/** A query string (with or without `?`) → the filters; anything unknown is the default. */
export function decodeChangesView(search: string): ChangesViewState {
  const p = new URLSearchParams(search.replace(/^\?/, ''));
  const text = (name: string) => p.get(name)?.slice(0, MAX) ?? '';
  const range = p.get('range');
  const kind = p.get('kind');
  return {
    range: CHANGE_RANGES.find((r) => r.key === range)?.key ?? DEFAULT_CHANGES_VIEW.range,
    kind: KINDS.find((k) => k === kind) ?? '',
    site: text('site'),
    line: text('line'),
    group: text('group'),
    cell: text('cell'),
  };
}

/** The filters → a query string without `?`, defaults left out ('' for the default feed). */
export function encodeChangesView(v: ChangesViewState): string {
  const p = new URLSearchParams();
  if (v.range !== DEFAULT_CHANGES_VIEW.range) p.set('range', v.range);
  for (const name of ['kind', 'site', 'line', 'group', 'cell'] as const) if (v[name]) p.set(name, v[name]);
  return p.toString();
}

export const rangeMs = (key: RangeKey): number => CHANGE_RANGES.find((r) => r.key === key)!.ms;
