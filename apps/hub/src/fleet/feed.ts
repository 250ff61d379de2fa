// The fleet change feed (issue 16, item 4): drift events, server version and certificate
// changes, and action steps, merged newest first into bounded pages (core mergePage). The
// place filters (site, line, group, a cell search) become one list of cells that every source
// filters by in its own query, so a page is as full as the range allows.
import { mergePage } from '@cellfleet/core';
import {
  CHANGES_MAX_RANGE_MS,
  type ChangesQuery,
  type ChangesView,
  type FleetChange,
} from '@cellfleet/protocol';
import { actionFeed } from '../actions/index.ts';
import type { Enrollment } from '../cells/index.ts';
import type { FeedWindow } from '../db/feed.ts';
import type { Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';
import { driftFeed } from '../snapshots/index.ts';
import type { FleetStore } from './store.ts';

export const DEFAULT_RANGE_MS = 86_400_000;
export const DEFAULT_PAGE = 100;

export interface FeedDeps {
  readonly sql: Sql;
  readonly fleet: FleetStore;
  readonly enrollments: () => Promise<Enrollment[]>;
  readonly now: () => number;
}

/** The cells the place filters leave; undefined when there are none (every cell). */
export function cellsMatching(all: readonly Enrollment[], q: ChangesQuery): string[] | undefined {
  if (!q.site && !q.line && !q.group && !q.cell) return undefined;
  const text = q.cell?.toLowerCase();
  return all
    .filter(
      (e) =>
        (!q.site || e.site === q.site) &&
        (!q.line || e.line === q.line) &&
        (!q.group || e.sisterGroup === q.group) &&
        (!text || e.id.toLowerCase().includes(text)),
    )
    .map((e) => e.id);
}

export async function fleetChanges(d: FeedDeps, q: ChangesQuery): Promise<ChangesView> {
  const now = d.now();
  const before = q.before ?? now;
  const since = q.since ?? before - DEFAULT_RANGE_MS;
  if (before - since > CHANGES_MAX_RANGE_MS)
    throw new AppError('bad-request', 'the range from since to before is at most 31 days', {
      field: 'since',
    });
  const limit = q.limit ?? DEFAULT_PAGE;
  const cells = cellsMatching(await d.enrollments(), q);
  if (since >= before || cells?.length === 0) return { since, before, items: [], next: null };
  // Without a cursor the newest page reaches past now: an agent's clock may run a little ahead.
  const w: FeedWindow = {
    since,
    before: q.before ?? Number.MAX_SAFE_INTEGER,
    limit: limit + 1,
    ...(cells ? { cells } : {}),
  };
  const want = (k: FleetChange['kind']) => !q.kind || q.kind === k;
  const sources = await Promise.all([
    want('drift') ? driftFeed(d.sql, w) : [],
    want('version') || want('certificate')
      ? d.fleet.changes({
          ...w,
          ...(q.kind === 'version' || q.kind === 'certificate' ? { kind: q.kind } : {}),
        })
      : [],
    want('action') ? actionFeed(d.sql, w) : [],
  ]);
  const page = mergePage(sources, limit);
  return { since, before, items: page.items, next: page.next };
}
