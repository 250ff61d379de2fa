// A probe whose host crashed, stalled or outgrew its memory still gets a diagnosis: the
// evidence the host streamed up to the rung it was on, that rung failed with what happened
// (kind `library-fault`, so the rules say protocol-violation unless the tap caught a status
// that says more), diagnosed by the same pure rules in the agent's own process.
import { diagnose, type ProbeEvidence, STEP_NAMES, type StepName } from '@cellfleet/core';
import type { ClientConfig, EndpointConfig } from '@cellfleet/protocol';
import { requestOf, toProbeBody } from '../body.ts';
import type { ProbeResult } from '../ladder.ts';
import { clientEvidence } from '../trust-store.ts';
import type { Outcome } from './host-process.ts';

export interface FaultContext {
  readonly endpoint: EndpointConfig;
  readonly fault: Extract<Outcome, { kind: 'fault' }>;
  readonly startedAt: number;
  readonly now: number;
  /** `--vendor`: a vendor or product id; overrides detection. */
  readonly vendorHint?: string;
  readonly clockSkewThresholdMs?: number;
  readonly client?: ClientConfig;
}

const WHAT: Record<Extract<Outcome, { kind: 'fault' }>['cause'], string> = {
  crash: "the OPC UA library (node-opcua) crashed on the server's answer",
  memory: "the server's answers drove the probe past its memory budget",
  stalled: "the OPC UA library (node-opcua) stopped responding on the server's answer",
};

export function faultResult(c: FaultContext): ProbeResult {
  const { fault } = c;
  const base = fault.progress?.evidence ?? emptyEvidence(c.endpoint, c.client);
  const step = fault.progress?.running ?? nextStep(base);
  const seen = fault.notes.length > 0 ? ` [${fault.notes.join('; ')}]` : '';
  const evidence: ProbeEvidence = {
    ...base,
    steps: [
      ...base.steps,
      {
        name: step,
        ok: false,
        ms: fault.progress ? Math.max(0, c.now - fault.progress.at) : 0,
        error: {
          message: `${WHAT[fault.cause]}: ${fault.message}${seen}`.slice(0, 2000),
          kind: 'library-fault',
          ...(fault.status ? { statusName: fault.status } : {}),
        },
      },
    ],
  };
  const diagnosis = diagnose(evidence, {
    now: c.now,
    ...(c.vendorHint ? { vendorHint: c.vendorHint } : {}),
    ...(c.clockSkewThresholdMs ? { clockSkewThresholdMs: c.clockSkewThresholdMs } : {}),
  });
  const body = toProbeBody({
    endpoint: c.endpoint,
    evidence,
    diagnosis,
    startedAt: c.startedAt,
    durationMs: c.now - c.startedAt,
  });
  return { body, evidence, diagnosis };
}

function nextStep(ev: ProbeEvidence): StepName {
  const last = ev.steps.at(-1)?.name;
  const i = last === undefined ? STEP_NAMES.indexOf('hello') : STEP_NAMES.indexOf(last) + 1;
  return STEP_NAMES[Math.min(i, STEP_NAMES.length - 1)] ?? 'reads';
}

function emptyEvidence(endpoint: EndpointConfig, client: ClientConfig | undefined): ProbeEvidence {
  return {
    url: client?.url ?? endpoint.url,
    endpointName: endpoint.name,
    request: requestOf(endpoint),
    steps: [],
    ...(client ? { asClient: clientEvidence(client) } : {}),
  };
}
