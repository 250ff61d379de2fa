// What every action step gets from the executor, and what it gives back.
import type {
  ActionResultBody,
  EndpointConfig,
  Envelope,
  ProbeBody,
  SignedAction,
} from '@cellfleet/protocol';
import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/load.ts';
import { type OpenSession, openSession } from '../opcua/session.ts';
import type { AgentPki } from '../pki/pki.ts';
import type { Ledger } from './ledger.ts';

/** A result without the fields the executor fills in (id, times). */
export type Outcome = Omit<ActionResultBody, 'actionId' | 'startedAt' | 'finishedAt'>;

/** Test-only pauses (see executor.ts `testPauses`), named by the step they follow. */
export type PausePoint = 'after-snapshot' | 'after-write';

/** What `upgrade-agent` needs from the process that runs it (given by runtime/start.ts). */
export interface UpgradeHooks {
  /** The executable the service runs (the packaged agent itself). */
  readonly binary: string;
  /** The version this process runs (what its birth reports). */
  readonly version: string;
  /** Ends the process with EXIT.upgraded (cli-types.ts) once the new build is in place. */
  readonly restart: () => void;
  readonly trialDeadlineMs?: number;
}

export interface StepContext {
  readonly config: ResolvedConfig;
  readonly ledger: Ledger;
  readonly pki: AgentPki;
  readonly log: Logger;
  readonly now: () => number;
  /** The probe ladder on one endpoint (the agent's own probe function). */
  readonly probe: (endpoint: EndpointConfig) => Promise<ProbeBody>;
  /** Queues a probe result for the hub like a scheduled probe. */
  readonly reportProbe: (body: ProbeBody) => void;
  readonly pause: (point: PausePoint) => Promise<void>;
  /**
   * The agent's snapshot duty: snapshots the endpoints that probed ok and queues the
   * publication; returns its messages. Without it snapshot-now takes a snapshot itself and
   * reports only its hash.
   */
  readonly snapshotNow?: (probes: readonly ProbeBody[]) => Promise<readonly Envelope[]>;
  readonly openSession?: typeof openSession;
  /** Set when the agent runs as a packaged executable under a service: upgrade-agent's hooks. */
  readonly upgrade?: UpgradeHooks;
}

export type ActionOf<T extends SignedAction['type']> = Extract<SignedAction, { type: T }>;

/** An expected failure of a step: becomes the result, never an exception out of the executor. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

export function endpointNamed(ctx: StepContext, name: string): EndpointConfig {
  const ep = ctx.config.endpoints.find((e) => e.name === name);
  if (!ep) throw new StepFailure('unknown-endpoint', `this agent has no endpoint "${name}"`);
  return ep;
}

export async function sessionTo(ctx: StepContext, endpoint: EndpointConfig): Promise<OpenSession> {
  try {
    return await (ctx.openSession ?? openSession)(endpoint, {
      pki: ctx.pki,
      timeoutMs: ctx.config.probe.timeoutMs,
    });
  } catch (err) {
    throw new StepFailure(
      'server-unreachable',
      `no session with ${endpoint.name} (${endpoint.url}): ${(err as Error).message}`,
    );
  }
}

export const clip = (text: string, max = 4000) => (text.length > max ? `…${text.slice(-max)}` : text);
