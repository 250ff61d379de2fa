// ActionService: the hub side of issue 5, safe for several replicas on one database (issue 7).
// Every decision is a pure transition from @cellfleet/core; this file loads, saves, audits
// (successes and refusals alike) and sends.
//
// Replicas: every read-modify-write of an action is one transaction that first takes the
// action's lock (`action:<id>`), then re-reads the row and decides on that fresh row, never on
// a copy read before the lock (READ COMMITTED would lose one of two concurrent updates). The
// audit log takes its own lock after ours, so the order is always action → audit.
//
// Sends: a run is committed as `dispatched` before it is published. A replica that dies in
// between leaves a run that was never sent, and one that dies just after publishing leaves one
// that may never be answered; either way any replica sends it again once `redispatchAfterMs`
// passes without a result, while its window is open. The agent's ledger answers an action id
// it knows with its stored result and never runs it twice, so a repeat is harmless.
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
import type { Sql } from '../db/sql.ts';
import { AppError, type ErrorCode } from '../kernel/errors.ts';
import type { Keyring } from '../keys/keyring.ts';
import { openEnvelopeStore } from './envelopes.ts';
import { type Failpoint, NO_FAILPOINTS } from './failpoints.ts';
import { ACTION_MIGRATIONS, createActionStore, type Redispatches } from './store.ts';
import { createWindowService } from './windows.ts';

export interface ActionPolicy {
  /** Approvals by users other than the proposer; mutating types always need at least one. */
  readonly approvals: { readonly readOnly: number; readonly mutating: number };
  /** Read-only actions without a window may run from approval until this much later. */
  readonly readOnlyTtlMs: number;
  readonly run: RunPolicy;
  /**
   * A dispatched run with no result this long after it was last sent is sent again (same
   * signed action id), while its window is open; also the least time between two such sends.
   */
  readonly redispatchAfterMs: number;
}

export const DEFAULT_POLICY: ActionPolicy = {
  approvals: { readOnly: 0, mutating: 1 },
  readOnlyTtlMs: 15 * 60_000,
  run: core.DEFAULT_RUN_POLICY,
  redispatchAfterMs: 30_000,
};

export interface ActionServiceDeps {
  readonly sql: Sql;
  readonly audit: AuditLog;
  readonly keyring: Keyring;
  /** Sends an action to one cell (topic `cmd`, kind `action`); the lead wires it to the broker link. */
  readonly publish: (cellId: string, body: ActionBody) => void | Promise<void>;
  /** Action ids: 8–64 of [A-Za-z0-9_-] (e.g. randomUUID). */
  readonly newId: () => string;
  readonly policy?: Partial<ActionPolicy>;
  /** Crash tests kill the process at exact steps of a dispatch (failpoints.ts); none by default. */
  readonly failpoint?: Failpoint;
}

type Send = { actionId: string; cell: string };

export interface TickReport {
  /** First sends (and retries after a deferral): each is a new attempt. */
  readonly dispatched: Send[];
  /** Runs sent again because no result came (see ActionPolicy.redispatchAfterMs). */
  readonly redispatched: Send[];
  readonly failed: (Send & { error: string })[];
}

/** A refusal to audit: core's, or the hub's own (an unknown action id). */
type Refused = {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
};
type Decision = Transition | Refused;

const subjectOf = (id: string) => `action:${id}`;
const newReport = (): TickReport => ({ dispatched: [], redispatched: [], failed: [] });

function known(id: string, action: ActionRecord | undefined): ActionRecord {
  if (!action) throw new AppError('not-found', `no action "${id}"`);
  return action;
}

/** The cell's run was sent, has no result yet, and its window is still open. */
function isUnanswered(action: ActionRecord, cell: string, now: number): boolean {
  const run = action.runs.find((r) => r.cell === cell);
  return run?.state === 'dispatched' && run.window !== null && now < run.window.end;
}

export type ActionService = Awaited<ReturnType<typeof openActionService>>;

export async function openActionService(deps: ActionServiceDeps) {
  const failpoint = deps.failpoint ?? NO_FAILPOINTS;
  const { sql, audit, keyring } = deps;
  const policy: ActionPolicy = { ...DEFAULT_POLICY, ...deps.policy };
  if (!(policy.redispatchAfterMs > 0))
    throw new Error(
      `policy.redispatchAfterMs must be a positive number of ms, not ${policy.redispatchAfterMs}`,
    );
  await sql.migrate('actions', ACTION_MIGRATIONS);
  const store = createActionStore(sql);
  const envelopes = await openEnvelopeStore(sql);
  const windows = createWindowService({ sql, store, audit, newId: deps.newId });
  let ticking = false;

  /** Inside a transaction: saves an accepted transition with its events, or audits the refusal. */
  async function record(actor: string, op: string, id: string, t: Decision, now: number, isNew = false) {
    const subject = subjectOf(id);
    if (!t.ok) {
      const data = { code: t.code, message: t.message };
      await audit.append({ actor, event: `action.${op}-refused`, subject, data }, now);
      return t;
    }
    if (isNew) await store.insert(t.action);
    else await store.update(t.action);
    for (const e of t.events) await audit.append({ actor, event: e.event, subject, data: e.data }, now);
    return t;
  }

  /**
   * One read-modify-write of action `id`: take its lock, re-read it, `decide` on that row, save
   * and audit in the same transaction; an action that ends up approved is scheduled there too.
   */
  function change(
    actor: string,
    op: string,
    id: string,
    now: number,
    decide: (fresh: ActionRecord | undefined) => Decision,
  ): Promise<Decision> {
    return sql.tx(async () => {
      await sql.lock(subjectOf(id));
      return thenSchedule(actor, await record(actor, op, id, decide(await store.get(id)), now), now);
    });
  }

  /** A refusal, audited by now, as the error the HTTP layer maps to a status. */
  function accepted(t: Decision): ActionRecord {
    if (t.ok) return t.action;
    throw new AppError(t.code as ErrorCode, t.message, t.field === undefined ? {} : { field: t.field });
  }

  async function occurrence(action: ActionRecord, cell: string, now: number): Promise<TimeRange | undefined> {
    const w = action.window;
    if (w && 'start' in w) return { start: w.start, end: w.end };
    // A window deleted since the proposal schedules nothing: the refusal is audited, and the
    // next tick tries again.
    const spec = w ? (await store.windows.get(w.windowId))?.spec : (await windows.windowFor(cell))?.spec;
    if (spec) return core.nextWindow(spec, now);
    return core.isReadOnly(action.type) ? { start: now, end: now + policy.readOnlyTtlMs } : undefined;
  }

  /** Inside the action's transaction: pins an approved action's runs to windows, or audits why not. */
  async function scheduleIfApproved(actor: string, action: ActionRecord, now: number): Promise<ActionRecord> {
    if (action.state !== 'approved') return action;
    const found = new Map<string, TimeRange>();
    for (const r of action.runs) {
      const occ = await occurrence(action, r.cell, now);
      if (occ) found.set(r.cell, occ);
    }
    const s = await record(actor, 'schedule', action.id, core.schedule(action, found, now), now);
    return s.ok ? s.action : action; // not scheduled yet: the next tick tries again (a window may be added)
  }

  /** An accepted decision that approved the action is scheduled in the same transaction. */
  async function thenSchedule(actor: string, t: Decision, now: number): Promise<Decision> {
    return t.ok ? { ...t, action: await scheduleIfApproved(actor, t.action, now) } : t;
  }

  /** A mutating action without an explicit window needs a window for every cell at proposal. */
  async function windowRefusal(request: ProposeActionRequest): Promise<Refused | undefined> {
    const w = request.window;
    if (w && 'windowId' in w) await windows.get(w.windowId);
    if (w || core.isReadOnly(request.type)) return undefined;
    for (const cell of request.cells) {
      if (!(await windows.windowFor(cell)))
        return core.refuse(
          core.REFUSAL.noWindow,
          `no maintenance window covers ${cell}; add one for its line or site, or give start/end`,
          'window',
        );
    }
    return undefined;
  }

  /** Cells of `action` whose run has waited `redispatchAfterMs` for a result since it was last sent. */
  function dueAgain(action: ActionRecord, sent: Redispatches, now: number): string[] {
    return action.runs
      .filter(
        (r) =>
          isUnanswered(action, r.cell, now) &&
          now >= Math.max(r.dispatchedAt ?? 0, sent.get(r.cell) ?? 0) + policy.redispatchAfterMs,
      )
      .map((r) => r.cell);
  }

  /** Inside the action's transaction: claims a re-send, so no other replica makes the same one. */
  async function claimRedispatch(id: string, cell: string, why: string, now: number): Promise<void> {
    await store.markRedispatched(id, cell, now);
    await audit.append(
      { actor: 'system', event: 'action.redispatched', subject: subjectOf(id), data: { cell, why } },
      now,
    );
  }

  /** A failed send: a first dispatch is retried like a deferral (the agent never saw it). */
  async function publishFailed(id: string, cell: string, error: string, retry: boolean, now: number) {
    await change('system', 'publish', id, now, (fresh) => {
      const action = known(id, fresh);
      const events = [{ event: 'action.publish-failed', data: { cell, error } }];
      const runs = action.runs.map((r) =>
        retry && r.cell === cell && r.state === 'dispatched'
          ? {
              ...r,
              state: 'deferred' as const,
              nextAttemptAt: now + policy.run.retryDelayMs,
              note: `publish failed: ${error}`,
            }
          : r,
      );
      return { ok: true, action: { ...action, runs }, events };
    });
  }

  /** Signs and publishes a send that is committed already; true when the broker took it. */
  async function send(
    action: ActionRecord,
    cell: string,
    now: number,
    report: TickReport,
    kind: 'dispatched' | 'redispatched',
  ): Promise<boolean> {
    const signed = core.signedActionFor(action, cell, now);
    try {
      if (!signed) throw new Error('the run has no window');
      const body = await keyring.sign(signed);
      await envelopes.sent(action.id, cell, body, now);
      failpoint('dispatch.after-commit');
      await deps.publish(cell, body);
      failpoint('dispatch.after-publish');
      report[kind].push({ actionId: action.id, cell });
      return true;
    } catch (err) {
      const error = (err as Error).message;
      report.failed.push({ actionId: action.id, cell, error });
      await publishFailed(action.id, cell, error, kind === 'dispatched', now);
      return false;
    }
  }

  /** One action's scheduler step under its lock; resolves to what to send once it committed. */
  function step(id: string, now: number) {
    return sql.tx(async () => {
      await sql.lock(subjectOf(id));
      const fresh = known(id, await store.get(id));
      const plan = core.planTick(await scheduleIfApproved('system', fresh, now), now, policy.run);
      if (plan.events.length > 0)
        await record('system', 'tick', id, { ok: true, action: plan.action, events: plan.events }, now);
      const again = dueAgain(plan.action, await store.redispatchedAt(id), now);
      const why = `no result ${policy.redispatchAfterMs / 1000} s after it was sent`;
      for (const cell of again) await claimRedispatch(id, cell, why, now);
      return { action: plan.action, dispatch: plan.dispatch, again };
    });
  }

  return {
    windows,
    get: async (id: string): Promise<ActionRecord> => known(id, await store.get(id)),
    list: (q?: ListActionsQuery) => store.list(q),
    countByState: () => store.countByState(),
    /** True while an action is being carried out on the cell (dispatched inside its window). */
    async runningOn(cell: string): Promise<boolean> {
      return (await store.open(cell)).some((o) => o.action.state === 'dispatched');
    },

    async propose(actor: Actor, request: ProposeActionRequest, now: number): Promise<ActionRecord> {
      const id = deps.newId();
      const required = core.isReadOnly(request.type) ? policy.approvals.readOnly : policy.approvals.mutating;
      const t = await sql.tx(async () => {
        const t =
          (await windowRefusal(request)) ??
          core.propose({ id, actor, request, now, requiredApprovals: required });
        return thenSchedule(actor.name, await record(actor.name, 'propose', id, t, now, true), now);
      });
      return accepted(t);
    },
    async approve(actor: Actor, id: string, now: number, comment?: string): Promise<ActionRecord> {
      return accepted(
        await change(actor.name, 'approve', id, now, (a) => core.approve(known(id, a), actor, now, comment)),
      );
    },
    async reject(actor: Actor, id: string, now: number, reason: string): Promise<ActionRecord> {
      return accepted(
        await change(actor.name, 'reject', id, now, (a) => core.reject(known(id, a), actor, now, reason)),
      );
    },
    async cancel(actor: Actor, id: string, now: number, reason: string): Promise<ActionRecord> {
      return accepted(
        await change(actor.name, 'cancel', id, now, (a) => core.cancel(known(id, a), actor, now, reason)),
      );
    },

    /**
     * One scheduler step at `now`: schedule approved actions, expire what windows closed on,
     * dispatch what is due (signed with the active key), send again what went unanswered. Each
     * action changes under its own lock, so replicas ticking together never dispatch a run
     * twice. The caller drives it on an interval; overlapping calls return at once.
     */
    async tick(now: number): Promise<TickReport> {
      const report = newReport();
      if (ticking) return report;
      ticking = true;
      try {
        for (const { action, redispatchedAt } of await store.open()) {
          // Read without the lock, so most ticks skip most actions; the step decides afresh.
          const idle =
            action.state !== 'approved' &&
            core.planTick(action, now, policy.run).events.length === 0 &&
            dueAgain(action, redispatchedAt, now).length === 0;
          if (idle) continue;
          const s = await step(action.id, now);
          for (const cell of s.dispatch) await send(s.action, cell, now, report, 'dispatched');
          for (const cell of s.again) await send(s.action, cell, now, report, 'redispatched');
        }
        return report;
      } finally {
        ticking = false;
      }
    },

    /**
     * Sends again the runs a cell has not answered, when it comes back online. Agents connect
     * with clean MQTT sessions (their outbox, not the broker, keeps what must not be lost), so
     * an action dispatched while an agent was offline never reached it.
     */
    async resendUnanswered(cell: string, now: number): Promise<number> {
      const report = newReport();
      for (const { action } of await store.open(cell)) {
        if (!isUnanswered(action, cell, now)) continue;
        const claimed = await sql.tx(async () => {
          await sql.lock(subjectOf(action.id));
          const fresh = known(action.id, await store.get(action.id));
          if (!isUnanswered(fresh, cell, now)) return undefined;
          await claimRedispatch(fresh.id, cell, 'agent back online', now);
          return fresh;
        });
        if (claimed) await send(claimed, cell, now, report, 'redispatched');
      }
      return report.redispatched.length;
    },

    /**
     * An `action-result` from a cell's agent; refusals are audited and returned, not thrown.
     * A result naming an envelope the hub never sent is a security incident on the cell
     * (audited under `cell:<id>`), and the run waits for the answer to a genuine envelope.
     */
    async recordResult(
      cellId: string,
      body: ActionResultBody,
      now: number,
    ): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
      const id = body.actionId;
      const binding = core.bindResult(body.envelopeDigest, await envelopes.digests(id, cellId));
      if (binding === 'unbound') {
        const message = `${cellId} answered an "action" envelope for ${id} that the hub never sent (${body.outcome}${body.reason ? ` ${body.reason}` : ''}): a forged or altered copy reached the agent`;
        const data = {
          action: id,
          outcome: body.outcome,
          reason: body.reason ?? null,
          digest: body.envelopeDigest ?? null,
        };
        await audit.append(
          { actor: `agent:${cellId}`, event: 'security.unsent-envelope', subject: `cell:${cellId}`, data },
          now,
        );
        return { ok: false, code: 'unsent-envelope', message };
      }
      const t = await change(`agent:${cellId}`, 'result', id, now, (a) =>
        a
          ? core.recordResult(a, { cell: cellId, body, now }, policy.run)
          : { ok: false, code: 'not-found', message: `no action "${id}"` },
      );
      return t.ok ? { ok: true } : { ok: false, code: t.code, message: t.message };
    },
  };
}
