// Maintenance windows per site or line. A cell uses its line's window, else its site's.
import { windowSpecProblem } from '@cellfleet/core';
import { type MaintenanceWindow, type MaintenanceWindowInput, parseCellId } from '@cellfleet/protocol';
import type { AuditLog } from '../audit/log.ts';
import { transaction } from '../audit/tx.ts';
import { AppError } from '../auth/errors.ts';
import type { ActionStore } from './store.ts';

export interface WindowDeps {
  readonly store: ActionStore;
  readonly audit: AuditLog;
  readonly newId: () => string;
}

export type WindowService = ReturnType<typeof createWindowService>;

export function createWindowService({ store, audit, newId }: WindowDeps) {
  const get = (id: string) => store.windows.list().find((w) => w.id === id);
  const check = (input: MaintenanceWindowInput) => {
    const problem = windowSpecProblem(input.spec);
    if (problem) throw new AppError('invalid-window', problem, { field: 'spec' });
  };
  const write = (actor: string, w: MaintenanceWindow, event: string, now: number) =>
    transaction(store.db, () => {
      store.windows.put(w);
      audit.append(
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
    get(id: string): MaintenanceWindow {
      const w = get(id);
      if (!w) throw new AppError('not-found', `no maintenance window "${id}"`);
      return w;
    },
    create(actor: string, input: MaintenanceWindowInput, now: number): MaintenanceWindow {
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
    update(actor: string, id: string, input: MaintenanceWindowInput, now: number): MaintenanceWindow {
      check(input);
      const old = this.get(id);
      return write(
        actor,
        { ...old, name: input.name, site: input.site, line: input.line ?? null, spec: input.spec },
        'window.updated',
        now,
      );
    },
    remove(actor: string, id: string, now: number): void {
      transaction(store.db, () => {
        if (!store.windows.remove(id)) throw new AppError('not-found', `no maintenance window "${id}"`);
        audit.append({ actor, event: 'window.deleted', subject: `window:${id}`, data: null }, now);
      });
    },
    /** The window that governs a cell: its line's own, else its site's. */
    windowFor(cellId: string): MaintenanceWindow | undefined {
      const ref = parseCellId(cellId);
      if (!ref) return undefined;
      const mine = store.windows.list().filter((w) => w.site === ref.site);
      return mine.find((w) => w.line === ref.line) ?? mine.find((w) => w.line === null);
    },
  };
}
