// SQLite persistence for actions and maintenance windows. An action is stored whole as the
// JSON of its record (the pure core's value), with the columns the list queries need.
import type { DatabaseSync } from 'node:sqlite';
import type { ActionRecord } from '@cellfleet/core';
import type { ActionState, ListActionsQuery, MaintenanceWindow } from '@cellfleet/protocol';
import { migrate } from '../store/migrate.ts';

const MIGRATIONS = [
  `CREATE TABLE actions (
     id TEXT PRIMARY KEY, state TEXT NOT NULL, created_at INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE INDEX actions_state ON actions (state, created_at);
   CREATE TABLE action_cells (
     action_id TEXT NOT NULL REFERENCES actions (id), cell TEXT NOT NULL, PRIMARY KEY (action_id, cell));
   CREATE INDEX action_cells_cell ON action_cells (cell);
   CREATE TABLE maintenance_windows (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, site TEXT NOT NULL, line TEXT, spec TEXT NOT NULL,
     created_by TEXT NOT NULL, created_at INTEGER NOT NULL);`,
];

/** States the scheduler looks at on every tick. */
export const OPEN_STATES: readonly ActionState[] = ['proposed', 'approved', 'scheduled', 'dispatched'];

export type ActionStore = ReturnType<typeof createActionStore>;

export function createActionStore(db: DatabaseSync) {
  migrate(db, 'actions', MIGRATIONS);
  const parse = (rows: unknown[]) =>
    (rows as { record: string }[]).map((r) => JSON.parse(r.record) as ActionRecord);
  return {
    db,
    insert(a: ActionRecord): void {
      db.prepare('INSERT INTO actions (id, state, created_at, record) VALUES (?, ?, ?, ?)').run(
        a.id,
        a.state,
        a.createdAt,
        JSON.stringify(a),
      );
      const cell = db.prepare('INSERT INTO action_cells (action_id, cell) VALUES (?, ?)');
      for (const r of a.runs) cell.run(a.id, r.cell);
    },
    update(a: ActionRecord): void {
      db.prepare('UPDATE actions SET state = ?, record = ? WHERE id = ?').run(
        a.state,
        JSON.stringify(a),
        a.id,
      );
    },
    get(id: string): ActionRecord | undefined {
      return parse(db.prepare('SELECT record FROM actions WHERE id = ?').all(id))[0];
    },
    list(q: ListActionsQuery = {}): ActionRecord[] {
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
      const sql = `SELECT record FROM actions a ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                   ORDER BY a.created_at DESC, a.id LIMIT ?`;
      return parse(db.prepare(sql).all(...args, q.limit ?? 100));
    },
    open(): ActionRecord[] {
      const marks = OPEN_STATES.map(() => '?').join(',');
      return parse(
        db
          .prepare(`SELECT record FROM actions WHERE state IN (${marks}) ORDER BY created_at`)
          .all(...OPEN_STATES),
      );
    },
    windows: {
      put(w: MaintenanceWindow): void {
        db.prepare(
          `INSERT INTO maintenance_windows (id, name, site, line, spec, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, site = excluded.site, line = excluded.line, spec = excluded.spec`,
        ).run(w.id, w.name, w.site, w.line, JSON.stringify(w.spec), w.createdBy, w.createdAt);
      },
      remove: (id: string): boolean =>
        db.prepare('DELETE FROM maintenance_windows WHERE id = ?').run(id).changes > 0,
      list(): MaintenanceWindow[] {
        const rows = db
          .prepare('SELECT * FROM maintenance_windows ORDER BY site, line, created_at')
          .all() as {
          id: string;
          name: string;
          site: string;
          line: string | null;
          spec: string;
          created_by: string;
          created_at: number;
        }[];
        return rows.map((r) => ({
          id: r.id,
          name: r.name,
          site: r.site,
          line: r.line,
          spec: JSON.parse(r.spec),
          createdBy: r.created_by,
          createdAt: r.created_at,
        }));
      },
    },
  };
}
