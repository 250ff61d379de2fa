// Times each rung and keeps its evidence. A failed rung stops the ladder (PRODUCT.md: "stops
// at the first step that fails"); the error is kept verbatim, minus any secret.
import {
  type RawError,
  type StepEvidence,
  type StepName,
  TRANSPORT_FAULTS,
  type TransportFault,
} from '@cellfleet/core';
import { DeadlineError } from '../opcua/deadline.ts';

export class LadderStop extends Error {
  override readonly name = 'LadderStop';
}

export interface Recorder {
  readonly steps: StepEvidence[];
  /** Runs one rung; on failure records it and throws LadderStop. */
  step<T>(name: StepName, work: () => Promise<T>, detail?: (value: T) => string): Promise<T>;
  /** Records a rung that failed on a decision rather than an exception. */
  fail(name: StepName, startedAt: number, message: string): never;
}

export interface RecorderOptions {
  readonly secrets: readonly string[];
  readonly clock?: () => number;
  /** Adds what the agent saw itself (the socket tap) to a failed rung's error. */
  readonly annotate?: (error: RawError, name: StepName) => RawError;
  /** Told when a rung starts (`running`) and when it ends (`running` undefined). */
  readonly onChange?: (running: StepName | undefined) => void;
}

export function createRecorder(opts: RecorderOptions): Recorder {
  const clock = opts.clock ?? (() => performance.now());
  const steps: StepEvidence[] = [];
  const scrub = (text: string) => redact(text, opts.secrets);
  const annotate = opts.annotate ?? ((e: RawError) => e);
  const changed = opts.onChange ?? (() => {});
  return {
    steps,
    async step(name, work, detail) {
      const t0 = clock();
      changed(name);
      try {
        const value = await work();
        const d = detail?.(value);
        steps.push({ name, ok: true, ms: clock() - t0, ...(d ? { detail: scrub(d) } : {}) });
        changed(undefined);
        return value;
      } catch (err) {
        if (err instanceof LadderStop) throw err;
        const error = annotate(rawError(err, scrub), name);
        steps.push({ name, ok: false, ms: clock() - t0, error: { ...error, message: scrub(error.message) } });
        changed(undefined);
        throw new LadderStop(name);
      }
    },
    fail(name, startedAt, message) {
      steps.push({ name, ok: false, ms: clock() - startedAt, error: { message: scrub(message) } });
      changed(undefined);
      throw new LadderStop(name);
    },
  };
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  kind?: unknown;
  timedOut?: unknown;
  statusCode?: { name?: unknown };
  response?: { responseHeader?: { serviceResult?: { name?: unknown } } };
}

/** node-opcua keeps the status on `statusCode` (OPN faults) or the ServiceFault (research §2.2). */
export function rawError(err: unknown, scrub: (s: string) => string = (s) => s): RawError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const message = scrub(typeof e.message === 'string' ? e.message : String(err)).slice(0, 2000);
  const status = e.statusCode?.name ?? e.response?.responseHeader?.serviceResult?.name;
  const statusName = typeof status === 'string' && status.startsWith('Bad') ? status : undefined;
  const errno = typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code) ? e.code : undefined;
  const kind = (TRANSPORT_FAULTS as readonly unknown[]).includes(e.kind)
    ? (e.kind as TransportFault)
    : undefined;
  return {
    message,
    ...(statusName ? { statusName } : {}),
    ...(errno ? { errno } : {}),
    ...(err instanceof DeadlineError || e.timedOut === true ? { timedOut: true } : {}),
    ...(kind ? { kind } : {}),
  };
}
