// Persistence for actions and maintenance windows, on SQLite or PostgreSQL. An action is stored
// whole as the JSON of its record (the pure core's value), with the columns the list queries
// need. `action_cells.redispatched_at` is the hub's own bookkeeping, outside the record: when
// a dispatched run was last sent again, so replicas re-send an unanswered run at most once
// per delay between them.
import type { ActionRecord } from '@cellfleet/core';
import type { ActionState, ListActionsQuery, MaintenanceWindow } from '@cellfleet/protocol';
import { type Migrations, marks, type Sql } from '../db/sql.ts';

export const ACTION_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE actions (
     id TEXT PRIMARY KEY, state TEXT NOT NULL, created_at INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE INDEX actions_state ON actions (state, created_at);
   CREATE TABLE action_cells (
     action_id TEXT NOT NULL REFERENCES actions (id), cell TEXT NOT NULL, PRIMARY KEY (action_id, cell));
   CREATE INDEX action_cells_cell ON action_cells (cell);
   CREATE TABLE maintenance_windows (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, site TEXT NOT NULL, line TEXT, spec TEXT NOT NULL,
     created_by TEXT NOT NULL, created_at INTEGER NOT NULL);`,
    'ALTER TABLE action_cells ADD COLUMN redispatched_at INTEGER',
  ],
  postgres: [
    `CREATE TABLE actions (
       id TEXT PRIMARY KEY, state TEXT NOT NULL, created_at BIGINT NOT NULL, record TEXT NOT NULL);
     CREATE INDEX actions_state ON actions (state, created_at);
     CREATE TABLE action_cells (
       action_id TEXT NOT NULL REFERENCES actions (id), cell TEXT NOT NULL, redispatched_at BIGINT,
       PRIMARY KEY (action_id, cell));
     CREATE INDEX action_cells_cell ON action_cells (cell);
     CREATE TABLE maintenance_windows (
       id TEXT PRIMARY KEY, name TEXT NOT NULL, site TEXT NOT NULL, line TEXT, spec TEXT NOT NULL,
       created_by TEXT NOT NULL, created_at BIGINT NOT NULL);`,
  ],
};

/** States the scheduler looks at on every tick. */
export const OPEN_STATES: readonly ActionState[] = ['proposed', 'approved', 'scheduled', 'dispatched'];

/** When each cell's run was last sent again, by cell; a cell never re-sent is absent. */
export type Redispatches = ReadonlyMap<string, number>;

export interface OpenAction {
  readonly action: ActionRecord;
  readonly redispatchedAt: Redispatches;
}

interface WindowRow {
  id: string;
  name: string;
  site: string;
  line: string | null;
  spec: string;
  created_by: string;
  created_at: number;
}

const toWindow = (r: WindowRow): MaintenanceWindow => ({
  id: r.id,
  name: r.name,
  site: r.site,
  line: r.line,
  spec: JSON.parse(r.spec),
  createdBy: r.created_by,
  createdAt: r.created_at,
});

// Site-wide windows (no line) first on both engines (they sort NULL differently).
const WINDOW_ORDER = "ORDER BY site, COALESCE(line, ''), created_at";

export type ActionStore = ReturnType<typeof createActionStore>;

/** Queries on a database that ACTION_MIGRATIONS has been applied to. */
export function createActionStore(sql: Sql) {
  const parse = (rows: { record: string }[]) => rows.map((r) => JSON.parse(r.record) as ActionRecord);
  return {
    async insert(a: ActionRecord): Promise<void> {
      await sql.run('INSERT INTO actions (id, state, created_at, record) VALUES (?, ?, ?, ?)', [
        a.id,
        a.state,
        a.createdAt,
        JSON.stringify(a),
      ]);
      for (const r of a.runs)
        await sql.run('INSERT INTO action_cells (action_id, cell) VALUES (?, ?)', [a.id, r.cell]);
    },
    async update(a: ActionRecord): Promise<void> {
      await sql.run('UPDATE actions SET state = ?, record = ? WHERE id = ?', [
        a.state,
        JSON.stringify(a),
        a.id,
      ]);
    },
    /** How many actions are in each state (metrics). */
    async countByState(): Promise<Record<string, number>> {
      const rows = await sql.all<{ state: string; n: number | string }>(
        'SELECT state, COUNT(*) AS n FROM actions GROUP BY state',
      );
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
    async get(id: string): Promise<ActionRecord | undefined> {
      return parse(await sql.all('SELECT record FROM actions WHERE id = ?', [id]))[0];
    },
    async list(q: ListActionsQuery = {}): Promise<ActionRecord[]> {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (q.state) {
        where.push('a.state = ?');
        args.push(q.state);
      }
      if (q.cell) {
        where.push('a.id IN (SELECT action_id FROM action_cells WHERE cell = ?)');
        args.push(q.cell);
      }
      const query = `SELECT record FROM actions a ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                     ORDER BY a.created_at DESC, a.id LIMIT ?`;
      return parse(await sql.all(query, [...args, q.limit ?? 100]));
    },
    /**
     * Actions in OPEN_STATES, oldest first, with their re-send times; with `cell`, only those
     * that target it (an agent's birth asks for its own, so a reconnect storm reads no others).
     */
    async open(cell?: string): Promise<OpenAction[]> {
      const states = marks(OPEN_STATES.length);
      const forCell =
        cell === undefined ? '' : ' AND a.id IN (SELECT action_id FROM action_cells WHERE cell = ?)';
      const args = cell === undefined ? [...OPEN_STATES] : [...OPEN_STATES, cell];
      const actions = parse(
        await sql.all(
          `SELECT record FROM actions a WHERE a.state IN (${states})${forCell} ORDER BY a.created_at, a.id`,
          args,
        ),
      );
      const sent = await sql.all<{ action_id: string; cell: string; redispatched_at: number }>(
        `SELECT c.action_id, c.cell, c.redispatched_at FROM action_cells c JOIN actions a ON a.id = c.action_id
         WHERE a.state IN (${states}) AND c.redispatched_at IS NOT NULL${forCell}`,
        args,
      );
      const byAction = new Map<string, Map<string, number>>();
      for (const s of sent) {
        const cells = byAction.get(s.action_id) ?? new Map<string, number>();
        cells.set(s.cell, s.redispatched_at);
        byAction.set(s.action_id, cells);
      }
      return actions.map((action) => ({ action, redispatchedAt: byAction.get(action.id) ?? new Map() }));
    },
    async redispatchedAt(id: string): Promise<Redispatches> {
      const rows = await sql.all<{ cell: string; redispatched_at: number }>(
        'SELECT cell, redispatched_at FROM action_cells WHERE action_id = ? AND redispatched_at IS NOT NULL',
        [id],
      );
      return new Map(rows.map((r) => [r.cell, r.redispatched_at]));
    },
    async markRedispatched(id: string, cell: string, at: number): Promise<void> {
      await sql.run('UPDATE action_cells SET redispatched_at = ? WHERE action_id = ? AND cell = ?', [
        at,
        id,
        cell,
      ]);
    },
    windows: {
      async put(w: MaintenanceWindow): Promise<void> {
        await sql.run(
          `INSERT INTO maintenance_windows (id, name, site, line, spec, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, site = excluded.site, line = excluded.line, spec = excluded.spec`,
          [w.id, w.name, w.site, w.line, JSON.stringify(w.spec), w.createdBy, w.createdAt],
        );
      },
      remove: async (id: string): Promise<boolean> =>
        (await sql.run('DELETE FROM maintenance_windows WHERE id = ?', [id])) > 0,
      async get(id: string): Promise<MaintenanceWindow | undefined> {
        const r = await sql.get<WindowRow>('SELECT * FROM maintenance_windows WHERE id = ?', [id]);
        return r && toWindow(r);
      },
      async list(): Promise<MaintenanceWindow[]> {
        return (await sql.all<WindowRow>(`SELECT * FROM maintenance_windows ${WINDOW_ORDER}`)).map(toWindow);
      },
      async ofSite(site: string): Promise<MaintenanceWindow[]> {
        const rows = await sql.all<WindowRow>(
          `SELECT * FROM maintenance_windows WHERE site = ? ${WINDOW_ORDER}`,
          [site],
        );
        return rows.map(toWindow);
      },
    },
  };
}
