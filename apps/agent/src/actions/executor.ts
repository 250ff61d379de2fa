// The agent's action executor (issue 5 item 4). For each `action` command from the hub:
// verify the signature with a pinned key → admitAction (cell, approvals, window and expiry on
// this clock, ledger) → local lock → record in the ledger → the type's step (rollback point,
// execute, verify, roll back) → result through the durable outbox. Actions run one at a time.
// After a restart, `recover` settles whatever the ledger shows in progress without running it
// again. Every refusal is reported to the hub, which audits it.
import { existsSync } from 'node:fs';
import { admitAction, isReadOnly } from '@cellfleet/core';
import { ACTION_ID_PATTERN, type ActionResultBody, cellId, type SignedAction } from '@cellfleet/protocol';
import { recoverRenew, recoverTrust, runRenew, runTrust } from './certificates.ts';
import type { Outcome, PausePoint, StepContext } from './context.ts';
import { StepFailure } from './context.ts';
import type { LedgerEntry } from './ledger.ts';
import { runProbeNow, runSnapshotNow } from './read-only.ts';
import { runScript } from './script.ts';
import { envelopeDigest, verifyActionBody } from './signature.ts';
import { recoverUpgrade, runUpgrade } from './upgrade.ts';
import { recoverWrite, runWrite } from './write.ts';

export interface ExecutorDeps extends Omit<StepContext, 'pause'> {
  /** Queues an action-result in the outbox. */
  readonly report: (result: ActionResultBody) => void;
  /** Test-only pauses, see `testPauses`. */
  readonly pauses?: Partial<Record<PausePoint, number>>;
}

export interface ActionExecutor {
  /** Queues one received `action` body; never throws. */
  handle(body: unknown): void;
  /** Settles actions a crash left in progress; call once at start. */
  recover(): Promise<void>;
  /** Resolves when everything queued so far is done. */
  idle(): Promise<void>;
}

/**
 * TEST ONLY: `CELLFLEET_TEST_PAUSE_AFTER_SNAPSHOT_MS` / `CELLFLEET_TEST_PAUSE_AFTER_WRITE_MS`
 * make the agent wait after storing the rollback point / after writing, so an end-to-end test
 * can kill it mid-action. Never set them in production.
 */
export function testPauses(env: NodeJS.ProcessEnv): Partial<Record<PausePoint, number>> {
  const ms = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const out: Partial<Record<PausePoint, number>> = {};
  const snap = ms(env['CELLFLEET_TEST_PAUSE_AFTER_SNAPSHOT_MS']);
  const write = ms(env['CELLFLEET_TEST_PAUSE_AFTER_WRITE_MS']);
  if (snap !== undefined) out['after-snapshot'] = snap;
  if (write !== undefined) out['after-write'] = write;
  return out;
}

const idOf = (action: unknown): string | undefined => {
  const id = (action as { id?: unknown } | null)?.id;
  return typeof id === 'string' && new RegExp(ACTION_ID_PATTERN).test(id) ? id : undefined;
};

export function createActionExecutor(d: ExecutorDeps): ActionExecutor {
  const log = d.log.child({ part: 'actions' });
  const ctx: StepContext = {
    ...d,
    log,
    pause: async (point) => {
      const ms = d.pauses?.[point];
      if (ms === undefined) return;
      log.warn({ point, ms }, `TEST ONLY: pausing ${point}`);
      await new Promise((r) => setTimeout(r, ms));
    },
  };
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((err: Error) => log.error({ err: err.message }, 'action executor failed'));
  };

  function finish(id: string, outcome: Outcome, o: { startedAt: number; digest: string | null }): void {
    const result: ActionResultBody = {
      actionId: id,
      ...outcome,
      startedAt: o.startedAt,
      finishedAt: d.now(),
      ...(o.digest ? { envelopeDigest: o.digest } : {}),
    };
    if (result.detail !== undefined && result.detail.length > 4096)
      result.detail = `…${result.detail.slice(-4000)}`;
    // Outbox first: a crash in between reports twice (the hub refuses the duplicate), never not at all.
    d.report(result);
    d.ledger.finish(id, result, d.now());
    log.info(
      { action: id, outcome: result.outcome, reason: result.reason, detail: result.detail },
      'action: result',
    );
  }

  async function receive(body: unknown): Promise<void> {
    const startedAt = d.now();
    // Every answer names the envelope it answers, so a refused forgery can never pass for the
    // genuine action's outcome at the hub (issue 12 finding 4).
    const digest = envelopeDigest(body);
    const action = (body as { action?: unknown } | null)?.action;
    const verdict = admitAction({
      action,
      signatureValid: verifyActionBody(body, d.config.hub.actionKeys),
      myCell: cellId(d.config.identity),
      now: startedAt,
      ledgerHas: (id) => d.ledger.has(id),
      allowedScripts: Object.keys(d.config.maintenance.scripts),
    });
    if (!verdict.admit) {
      const id = idOf(action);
      log.warn(
        { action: id, outcome: verdict.outcome, reason: verdict.reason, detail: verdict.detail },
        'action: not admitted',
      );
      // A repeat delivery of an action this agent already knows (the hub re-sends what an agent
      // did not answer, e.g. while it was offline): never run it again; answer with the result
      // already reached, or stay silent while it still runs so the real result is the only one.
      if (id && verdict.reason === 'replayed') {
        const known = d.ledger.get(id);
        if (known?.result) d.report(known.result);
        return;
      }
      // Not written to the ledger: a forged message naming a real id must not burn that id.
      if (id)
        d.report({
          actionId: id,
          outcome: verdict.outcome,
          reason: verdict.reason,
          detail: verdict.detail,
          startedAt,
          finishedAt: d.now(),
          envelopeDigest: digest,
        });
      return;
    }
    const a = verdict.action;
    d.ledger.admit(a, startedAt, digest);
    log.info(
      { action: a.id, type: a.type, proposedBy: a.proposedBy, approvals: a.approvals.map((x) => x.by) },
      'action: admitted',
    );
    const lock = d.config.maintenance.lockFile;
    // Read-only actions change nothing on the cell, so a running line does not hold them back.
    if (!isReadOnly(a.type) && lock && existsSync(lock)) {
      d.ledger.defer(a.id, d.now());
      const detail = `the cell is locked (${lock} exists); retry later in the window`;
      log.info({ action: a.id, lock }, 'action: deferred, cell locked');
      d.report({
        actionId: a.id,
        outcome: 'deferred',
        reason: 'cell-locked',
        detail,
        startedAt,
        finishedAt: d.now(),
        envelopeDigest: digest,
      });
      return;
    }
    finish(a.id, await run(a), { startedAt, digest });
  }

  async function run(a: SignedAction): Promise<Outcome> {
    try {
      return await step(a);
    } catch (err) {
      if (err instanceof StepFailure) return { outcome: 'failed', reason: err.reason, detail: err.message };
      log.error({ action: a.id, err: (err as Error).message }, 'action: step threw');
      const entry = d.ledger.get(a.id);
      // Changes may be under way: settle it as after a crash (verify, roll back), not blindly.
      if (entry && entry.state !== 'admitted') return settle(entry, (err as Error).message);
      return { outcome: 'failed', reason: 'error', detail: (err as Error).message };
    }
  }

  function step(a: SignedAction): Promise<Outcome> {
    switch (a.type) {
      case 'probe-now':
        return runProbeNow(ctx, a);
      case 'snapshot-now':
        return runSnapshotNow(ctx, a);
      case 'write-parameters':
        return runWrite(ctx, a);
      case 'trust-server-certificate':
        return runTrust(ctx, a);
      case 'renew-agent-certificate':
        return runRenew(ctx, a);
      case 'run-maintenance-script':
        return runScript(ctx, a);
      case 'upgrade-agent':
        return runUpgrade(ctx, a);
    }
  }

  async function settle(entry: LedgerEntry, cause?: string): Promise<Outcome> {
    const why = cause ? `${cause}; ` : '';
    try {
      switch (entry.action.type) {
        case 'write-parameters':
          return await recoverWrite(ctx, entry);
        case 'renew-agent-certificate':
          return recoverRenew(ctx, entry);
        case 'trust-server-certificate':
          return recoverTrust(ctx, entry);
        case 'upgrade-agent':
          return recoverUpgrade(ctx, entry);
        default:
          return {
            outcome: 'failed',
            reason: 'interrupted',
            detail: `${why}${entry.action.type} was interrupted (${entry.state}); not run again`,
          };
      }
    } catch (err) {
      const detail = `${why}could not verify the cell after the interruption: ${(err as Error).message}`;
      return { outcome: 'failed', reason: 'verify-unavailable', detail };
    }
  }

  return {
    handle: (body) => enqueue(() => receive(body)),
    recover() {
      enqueue(async () => {
        for (const entry of d.ledger.interrupted()) {
          log.warn({ action: entry.id, state: entry.state }, 'action: found in progress after a restart');
          finish(entry.id, await settle(entry), { startedAt: entry.startedAt, digest: entry.envelopeDigest });
        }
      });
      return chain;
    },
    idle: () => chain,
  };
}
