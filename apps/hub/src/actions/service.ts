// ActionService: the hub side of issue 5. Every decision is a pure transition from
// @cellfleet/core; this file loads, saves, audits (successes and refusals alike) and sends.
import type { DatabaseSync } from 'node:sqlite';
import type { ActionRecord, Actor, RunPolicy, Transition } from '@cellfleet/core';
import * as core from '@cellfleet/core';
import type {
  ActionBody,
  ActionResultBody,
  ListActionsQuery,
  ProposeActionRequest,
  TimeRange,
} from '@cellfleet/protocol';
import type { AuditLog } from '../audit/log.ts';
import { transaction } from '../audit/tx.ts';
import { AppError, type ErrorCode } from '../auth/errors.ts';
import type { Keyring } from './keys.ts';
import { createActionStore } from './store.ts';
import { createWindowService } from './windows.ts';

export interface ActionPolicy {
  /** Approvals by users other than the proposer; mutating types always need at least one. */
  readonly approvals: { readonly readOnly: number; readonly mutating: number };
  /** Read-only actions without a window may run from approval until this much later. */
  readonly readOnlyTtlMs: number;
  readonly run: RunPolicy;
}

export const DEFAULT_POLICY: ActionPolicy = {
  approvals: { readOnly: 0, mutating: 1 },
  readOnlyTtlMs: 15 * 60_000,
  run: core.DEFAULT_RUN_POLICY,
};

export interface ActionServiceDeps {
  readonly db: DatabaseSync;
  readonly audit: AuditLog;
  readonly keyring: Keyring;
  /** Sends an action to one cell (topic `cmd`, kind `action`); the lead wires it to the broker link. */
  readonly publish: (cellId: string, body: ActionBody) => void | Promise<void>;
  /** Action ids: 8–64 of [A-Za-z0-9_-] (e.g. randomUUID). */
  readonly newId: () => string;
  readonly policy?: Partial<ActionPolicy>;
}

export interface TickReport {
  readonly dispatched: { actionId: string; cell: string }[];
  readonly failed: { actionId: string; cell: string; error: string }[];
}

export type ActionService = ReturnType<typeof createActionService>;

export function createActionService(deps: ActionServiceDeps) {
  const { db, audit, keyring } = deps;
  const policy: ActionPolicy = { ...DEFAULT_POLICY, ...deps.policy };
  const store = createActionStore(db);
  const windows = createWindowService({ store, audit, newId: deps.newId });
  let ticking = false;

  function mustGet(id: string): ActionRecord {
    const a = store.get(id);
    if (!a) throw new AppError('not-found', `no action "${id}"`);
    return a;
  }

  /** Saves a transition with its audit events in one transaction, or audits the refusal and throws. */
  function apply(
    actor: string,
    op: string,
    id: string,
    t: Transition,
    now: number,
    isNew = false,
  ): ActionRecord {
    const subject = `action:${id}`;
    if (!t.ok) {
      audit.append(
        { actor, event: `action.${op}-refused`, subject, data: { code: t.code, message: t.message } },
        now,
      );
      throw new AppError(t.code as ErrorCode, t.message, t.field === undefined ? {} : { field: t.field });
    }
    transaction(db, () => {
      if (isNew) store.insert(t.action);
      else store.update(t.action);
      for (const e of t.events) audit.append({ actor, event: e.event, subject, data: e.data }, now);
    });
    return t.action;
  }

  function occurrence(action: ActionRecord, cell: string, now: number): TimeRange | undefined {
    const w = action.window;
    if (w && 'start' in w) return { start: w.start, end: w.end };
    const spec = w ? windows.get(w.windowId).spec : windows.windowFor(cell)?.spec;
    if (spec) return core.nextWindow(spec, now);
    return core.isReadOnly(action.type) ? { start: now, end: now + policy.readOnlyTtlMs } : undefined;
  }

  function trySchedule(actor: string, action: ActionRecord, now: number): ActionRecord {
    const found = new Map<string, TimeRange>();
    for (const r of action.runs) {
      const occ = occurrence(action, r.cell, now);
      if (occ) found.set(r.cell, occ);
    }
    try {
      return apply(actor, 'schedule', action.id, core.schedule(action, found, now), now);
    } catch {
      return action; // audited; the next tick tries again (a window may be added meanwhile)
    }
  }

  function afterDecision(actor: string, action: ActionRecord, now: number): ActionRecord {
    return action.state === 'approved' ? trySchedule(actor, action, now) : action;
  }

  function checkWindows(actor: Actor, id: string, request: ProposeActionRequest, now: number): void {
    const w = request.window;
    if (w && 'windowId' in w) windows.get(w.windowId);
    const readOnly = core.isReadOnly(request.type);
    const missing = w || readOnly ? undefined : request.cells.find((c) => !windows.windowFor(c));
    if (missing) {
      const message = `no maintenance window covers ${missing}; add one for its line or site, or give start/end`;
      apply(actor.name, 'propose', id, core.refuse('no-window', message, 'window'), now);
    }
  }

  async function send(action: ActionRecord, cell: string, now: number, report: TickReport): Promise<void> {
    const signed = core.signedActionFor(action, cell, now);
    try {
      if (!signed) throw new Error('the run has no window');
      await deps.publish(cell, keyring.sign(signed));
      report.dispatched.push({ actionId: action.id, cell });
    } catch (err) {
      const error = (err as Error).message;
      report.failed.push({ actionId: action.id, cell, error });
      // Not sent: retry like a deferral, inside the window (the agent never saw it).
      const current = mustGet(action.id);
      const retryAt = now + policy.run.retryDelayMs;
      const runs = current.runs.map((r) =>
        r.cell === cell
          ? { ...r, state: 'deferred' as const, nextAttemptAt: retryAt, note: `publish failed: ${error}` }
          : r,
      );
      const events = [{ event: 'action.publish-failed', data: { cell, error } }];
      apply('system', 'publish', action.id, { ok: true, action: { ...current, runs }, events }, now);
    }
  }

  return {
    windows,
    keys: () => keyring.list(),
    get: mustGet,
    list: (q?: ListActionsQuery) => store.list(q),

    propose(actor: Actor, request: ProposeActionRequest, now: number): ActionRecord {
      const id = deps.newId();
      checkWindows(actor, id, request, now);
      const required = core.isReadOnly(request.type) ? policy.approvals.readOnly : policy.approvals.mutating;
      const t = core.propose({ id, actor, request, now, requiredApprovals: required });
      return afterDecision(actor.name, apply(actor.name, 'propose', id, t, now, true), now);
    },
    approve(actor: Actor, id: string, now: number, comment?: string): ActionRecord {
      const t = core.approve(mustGet(id), actor, now, comment);
      return afterDecision(actor.name, apply(actor.name, 'approve', id, t, now), now);
    },
    reject(actor: Actor, id: string, now: number, reason: string): ActionRecord {
      return apply(actor.name, 'reject', id, core.reject(mustGet(id), actor, now, reason), now);
    },
    cancel(actor: Actor, id: string, now: number, reason: string): ActionRecord {
      return apply(actor.name, 'cancel', id, core.cancel(mustGet(id), actor, now, reason), now);
    },

    /**
     * One scheduler step at `now`: schedule approved actions, expire what windows closed on,
     * dispatch what is due (signed with the active key). The caller drives it on an interval;
     * overlapping calls return at once.
     */
    async tick(now: number): Promise<TickReport> {
      const report: TickReport = { dispatched: [], failed: [] };
      if (ticking) return report;
      ticking = true;
      try {
        for (const open of store.open()) {
          const action = open.state === 'approved' ? trySchedule('system', open, now) : open;
          const plan = core.planTick(action, now, policy.run);
          if (plan.events.length > 0)
            apply('system', 'tick', action.id, { ok: true, action: plan.action, events: plan.events }, now);
          for (const cell of plan.dispatch) await send(plan.action, cell, now, report);
        }
        return report;
      } finally {
        ticking = false;
      }
    },

    /**
     * Sends again the runs a cell has not answered, when it comes back online. Agents connect
     * with clean MQTT sessions (their outbox, not the broker, keeps what must not be lost), so
     * an action dispatched while an agent was offline never reached it. A repeat is harmless:
     * the agent's ledger answers a known action id with its result and never runs it twice.
     */
    async resendUnanswered(cell: string, now: number): Promise<number> {
      let sent = 0;
      for (const action of store.open()) {
        const run = action.runs.find((r) => r.cell === cell && r.state === 'dispatched');
        if (!run?.window || now >= run.window.end) continue;
        const report: TickReport = { dispatched: [], failed: [] };
        await send(action, cell, now, report);
        if (report.dispatched.length === 0) continue;
        audit.append(
          {
            actor: 'system',
            event: 'action.redispatched',
            subject: `action:${action.id}`,
            data: { cell, why: 'agent back online' },
          },
          now,
        );
        sent++;
      }
      return sent;
    },

    /** An `action-result` from a cell's agent; refusals are audited and returned, not thrown. */
    recordResult(
      cellId: string,
      body: ActionResultBody,
      now: number,
    ): { ok: true } | { ok: false; code: string; message: string } {
      const actor = `agent:${cellId}`;
      try {
        const action = store.get(body.actionId);
        if (!action) {
          const refusal = { ok: false as const, code: 'not-found', message: `no action "${body.actionId}"` };
          audit.append(
            { actor, event: 'action.result-refused', subject: `action:${body.actionId}`, data: refusal },
            now,
          );
          return refusal;
        }
        apply(
          actor,
          'result',
          action.id,
          core.recordResult(action, { cell: cellId, body, now }, policy.run),
          now,
        );
        return { ok: true };
      } catch (err) {
        if (err instanceof AppError) return { ok: false, code: err.code, message: err.message };
        throw err;
      }
    },
  };
}
