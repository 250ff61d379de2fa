// Maintenance windows per site or line. A cell uses its line's window, else its site's.
import { windowSpecProblem } from '@cellfleet/core';
import { type MaintenanceWindow, type MaintenanceWindowInput, parseCellId } from '@cellfleet/protocol';
import type { AuditLog } from '../audit/log.ts';
import type { Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';
import type { ActionStore } from './store.ts';

export interface WindowDeps {
  readonly sql: Sql;
  readonly store: ActionStore;
  readonly audit: AuditLog;
  readonly newId: () => string;
}

export type WindowService = ReturnType<typeof createWindowService>;

export function createWindowService({ sql, store, audit, newId }: WindowDeps) {
  const check = (input: MaintenanceWindowInput) => {
    const problem = windowSpecProblem(input.spec);
    if (problem) throw new AppError('invalid-window', problem, { field: 'spec' });
  };
  const get = async (id: string): Promise<MaintenanceWindow> => {
    const w = await store.windows.get(id);
    if (!w) throw new AppError('not-found', `no maintenance window "${id}"`);
    return w;
  };
  const write = (actor: string, w: MaintenanceWindow, event: string, now: number) =>
    sql.tx(async () => {
      await store.windows.put(w);
      await audit.append(
        {
          actor,
          event,
          subject: `window:${w.id}`,
          data: { name: w.name, site: w.site, line: w.line, spec: w.spec },
        },
        now,
      );
      return w;
    });

  return {
    list: () => store.windows.list(),
    get,
    create(actor: string, input: MaintenanceWindowInput, now: number): Promise<MaintenanceWindow> {
      check(input);
      const w = {
        id: newId(),
        name: input.name,
        site: input.site,
        line: input.line ?? null,
        spec: input.spec,
        createdBy: actor,
        createdAt: now,
      };
      return write(actor, w, 'window.created', now);
    },
    async update(
      actor: string,
      id: string,
      input: MaintenanceWindowInput,
      now: number,
    ): Promise<MaintenanceWindow> {
      check(input);
      const old = await get(id);
      return write(
        actor,
        { ...old, name: input.name, site: input.site, line: input.line ?? null, spec: input.spec },
        'window.updated',
        now,
      );
    },
    remove(actor: string, id: string, now: number): Promise<void> {
      return sql.tx(async () => {
        if (!(await store.windows.remove(id)))
          throw new AppError('not-found', `no maintenance window "${id}"`);
        await audit.append({ actor, event: 'window.deleted', subject: `window:${id}`, data: null }, now);
      });
    },
    /** The window that governs a cell: its line's own, else its site's. */
    async windowFor(cellId: string): Promise<MaintenanceWindow | undefined> {
      const ref = parseCellId(cellId);
      if (!ref) return undefined;
      const mine = await store.windows.ofSite(ref.site);
      return mine.find((w) => w.line === ref.line) ?? mine.find((w) => w.line === null);
    },
  };
}
