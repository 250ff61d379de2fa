// Drift across the whole fleet for the change feed (issue 16, item 4): the stored drift events
// of a time range, newest first, each with the first keys it changed. The index on `at` is
// made by the fleet feed's migrations (fleet/store.ts), which run after this module's.
import { type EntryChange, formatValue } from '@cellfleet/core';
import type { FleetChange } from '@cellfleet/protocol';
import { type FeedWindow, oneOf } from '../db/feed.ts';
import type { Sql, SqlValue } from '../db/sql.ts';

/** Keys shown per drift event; the rest are counted. */
export const DRIFT_KEYS_SHOWN = 5;

interface Row {
  id: number;
  cell: string;
  endpoint: string;
  at: number;
  text: string;
  changes: string;
}

export async function driftFeed(sql: Sql, w: FeedWindow): Promise<FleetChange[]> {
  const where = ['at >= ?', 'at < ?'];
  const params: SqlValue[] = [w.since, w.before];
  if (w.cells) {
    const f = oneOf(sql, 'cell', w.cells);
    where.push(f.text);
    params.push(...f.params);
  }
  const rows = await sql.all<Row>(
    `SELECT id, cell, endpoint, at, text, changes FROM snapshot_drift WHERE ${where.join(' AND ')}
     ORDER BY at DESC, id DESC LIMIT ?`,
    [...params, w.limit],
  );
  return rows.map(driftChange);
}

function driftChange(r: Row): FleetChange {
  const changes = JSON.parse(r.changes) as EntryChange[];
  const keys = changes.slice(0, DRIFT_KEYS_SHOWN).map((c) => ({
    key: c.key,
    label: c.label,
    ...(c.from === undefined ? {} : { from: formatValue(c.from) }),
    ...(c.to === undefined ? {} : { to: formatValue(c.to) }),
  }));
  const n = changes.length;
  return {
    id: `drift:${r.id}`,
    at: Number(r.at),
    kind: 'drift',
    cells: [r.cell],
    where: r.endpoint,
    summary: n === 0 ? firstLine(r.text) : `${n} ${n === 1 ? 'key' : 'keys'} changed on ${r.endpoint}`,
    keys,
    ...(n > keys.length ? { more: n - keys.length } : {}),
  };
}

const firstLine = (text: string) => text.split('\n')[0]?.slice(0, 200) ?? '';
