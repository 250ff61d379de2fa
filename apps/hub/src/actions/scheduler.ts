// The maintenance-window scheduler: every interval, dispatch what a window opened, re-send
// what nobody answered, expire what a window closed on (ActionService.tick). With PostgreSQL,
// replicas take turns: one tick at a time across all of them. Each action is also locked on
// its own while it changes (service.ts), so this is about not doing the same work twice, not
// about correctness.
import type pg from 'pg';
import type { Logger } from 'pino';
import { SCHEDULER_LOCK_KEY, withTryAdvisoryLock } from '../db/pg-lock.ts';
import type { ActionService } from './service.ts';

export interface SchedulerOptions {
  readonly actions: ActionService;
  /** Set on PostgreSQL: replicas share one try-lock. */
  readonly pool?: pg.Pool;
  readonly now: () => number;
  readonly intervalMs: number;
  readonly logger: Logger;
}

export function startScheduler(o: SchedulerOptions): { stop(): void } {
  const { pool } = o;
  const tick = (t: number) =>
    pool ? withTryAdvisoryLock(pool, SCHEDULER_LOCK_KEY, () => o.actions.tick(t)) : o.actions.tick(t);
  const timer = setInterval(() => {
    tick(o.now()).catch((err: Error) => o.logger.error({ err: err.message }, 'action scheduler failed'));
  }, o.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
