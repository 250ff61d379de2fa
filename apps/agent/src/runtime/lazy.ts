// The snapshot and action code is loaded when first needed, not at start (issue 14: the agent's
// RSS budget). Most agents probe all day; a snapshot comes after the first good probe, an
// action rarely or never. Both wrappers keep the semantics of what they stand in for.
import type { Envelope } from '@cellfleet/protocol';
import type { ActionExecutor, ExecutorDeps } from '../actions/executor.ts';
import type { SnapshotDuty } from './agent.ts';
import type { SnapshotDutyOptions } from './snapshots.ts';

export function lazySnapshotDuty(o: SnapshotDutyOptions): SnapshotDuty {
  let duty: SnapshotDuty | undefined;
  return {
    async takeAll(probes) {
      duty ??= (await import('./snapshots.ts')).createSnapshotDuty(o);
      return duty.takeAll(probes);
    },
    // Before the first snapshot nothing was published: nothing to acknowledge or resend.
    acknowledged: (ids) => duty?.acknowledged(ids),
    resend: (endpoint): Envelope[] => duty?.resend(endpoint) ?? [],
  };
}

/**
 * The executor, loaded on the first action, or at start when the ledger holds actions a crash
 * interrupted. Actions are handed over in arrival order (one promise, `then` in call order).
 */
export function lazyActionExecutor(
  deps: Omit<ExecutorDeps, 'pauses'>,
  env: NodeJS.ProcessEnv,
): ActionExecutor {
  let loaded: Promise<ActionExecutor> | undefined;
  const get = () => {
    loaded ??= import('../actions/executor.ts').then((m) =>
      m.createActionExecutor({ ...deps, pauses: m.testPauses(env) }),
    );
    return loaded;
  };
  return {
    handle: (body) => void get().then((e) => e.handle(body)),
    recover: async () => {
      if (loaded === undefined && deps.ledger.interrupted().length === 0) return;
      await (await get()).recover();
    },
    idle: async () => {
      if (loaded !== undefined) await (await loaded).idle();
    },
  };
}
