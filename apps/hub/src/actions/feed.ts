// Actions in the fleet change feed (issue 16, item 4), read from the audit log, where every
// step of an action is written with its time and actor: proposed, approved, rejected,
// cancelled, sent to a cell, a cell's result (succeeded, rolled back, failed…), completed,
// stopped or expired. Events of one cell (sent, result) carry it in their data; the others
// concern every cell of the action (action_cells).
import type { FleetChange } from '@cellfleet/protocol';
import { type FeedWindow, oneOf } from '../db/feed.ts';
import { marks, type Sql, type SqlValue } from '../db/sql.ts';

/** The audit events the feed shows, and how it words them. */
const WORDS: Readonly<Record<string, string>> = {
  'action.proposed': 'proposed',
  'action.approved': 'approved',
  'action.rejected': 'rejected',
  'action.cancelled': 'cancelled',
  'action.dispatched': 'sent',
  'action.result': 'result',
  'action.completed': 'completed',
  'action.rollout-stopped': 'rollout stopped',
  'action.expired': 'expired',
};
export const FEED_EVENTS = Object.keys(WORDS);

interface Row {
  seq: number;
  at: number;
  actor: string;
  event: string;
  subject: string;
  data: string;
}

export async function actionFeed(sql: Sql, w: FeedWindow): Promise<FleetChange[]> {
  const where = ['l.at >= ?', 'l.at < ?', `l.event IN (${marks(FEED_EVENTS.length)})`];
  const params: SqlValue[] = [w.since, w.before, ...FEED_EVENTS];
  if (w.cells) {
    // A cell's own event by its data's cell; an action-wide one by the action's cells.
    const cellOf =
      sql.dialect === 'postgres' ? "(l.data::jsonb ->> 'cell')" : "json_extract(l.data, '$.cell')";
    const own = oneOf(sql, cellOf, w.cells);
    const targets = oneOf(sql, 'c.cell', w.cells);
    where.push(
      `((${cellOf} IS NOT NULL AND ${own.text}) OR (${cellOf} IS NULL AND l.subject IN
        (SELECT 'action:' || c.action_id FROM action_cells c WHERE ${targets.text})))`,
    );
    params.push(...own.params, ...targets.params);
  }
  const rows = await sql.all<Row>(
    `SELECT l.seq, l.at, l.actor, l.event, l.subject, l.data FROM audit_log l WHERE ${where.join(' AND ')}
     ORDER BY l.at DESC, l.seq DESC LIMIT ?`,
    [...params, w.limit],
  );
  const ids = [...new Set(rows.map((r) => r.subject.replace(/^action:/, '')))];
  const actions = await describeActions(sql, ids);
  return rows.map((r) => actionChange(r, actions));
}

interface ActionFacts {
  readonly type: string;
  readonly cells: string[];
}

async function describeActions(sql: Sql, ids: readonly string[]): Promise<Map<string, ActionFacts>> {
  const out = new Map<string, ActionFacts>();
  if (ids.length === 0) return out;
  const byId = oneOf(sql, 'id', ids);
  const typeOf = sql.dialect === 'postgres' ? "(record::jsonb ->> 'type')" : "json_extract(record, '$.type')";
  for (const r of await sql.all<{ id: string; type: string }>(
    `SELECT id, ${typeOf} AS type FROM actions WHERE ${byId.text}`,
    byId.params,
  ))
    out.set(r.id, { type: String(r.type), cells: [] });
  const byAction = oneOf(sql, 'action_id', ids);
  for (const r of await sql.all<{ action_id: string; cell: string }>(
    `SELECT action_id, cell FROM action_cells WHERE ${byAction.text} ORDER BY cell`,
    byAction.params,
  ))
    out.get(r.action_id)?.cells.push(r.cell);
  return out;
}

function actionChange(r: Row, actions: ReadonlyMap<string, ActionFacts>): FleetChange {
  const id = r.subject.replace(/^action:/, '');
  const data = JSON.parse(r.data) as { cell?: unknown; outcome?: unknown; reason?: unknown } | null;
  const cell = typeof data?.cell === 'string' ? data.cell : undefined;
  const facts = actions.get(id);
  const type = facts?.type ?? 'action';
  const word = WORDS[r.event] ?? r.event;
  const outcome = typeof data?.outcome === 'string' ? data.outcome : undefined;
  const summary =
    r.event === 'action.result' && outcome
      ? `${type} ${outcome}${typeof data?.reason === 'string' ? ` (${data.reason})` : ''}`
      : `${type} ${word}`;
  return {
    id: `action:${r.seq}`,
    at: Number(r.at),
    kind: 'action',
    cells: cell ? [cell] : (facts?.cells ?? []),
    summary,
    action: id,
    event: r.event,
    actor: r.actor,
  };
}
