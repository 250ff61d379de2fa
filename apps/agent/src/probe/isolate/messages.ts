// What the agent and its probe host say to each other over the IPC channel. The host is a
// child process that runs the ladder (and node-opcua) so that whatever a server sends can at
// worst kill the host, never the agent (issue 12). One probe at a time per host.
import type { ProbeEvidence, StepName } from '@cellfleet/core';
import type { ClientConfig, EndpointConfig } from '@cellfleet/protocol';
import type { ProbeResult } from '../ladder.ts';

export interface PkiRef {
  readonly dir: string;
  /** Used only when the certificate is created. */
  readonly applicationUri?: string;
}

export interface ProbeRequest {
  readonly type: 'probe';
  readonly id: number;
  readonly endpoint: EndpointConfig;
  readonly pki: PkiRef;
  readonly timeoutMs: number;
  /** `--vendor`: a vendor or product id; overrides detection. */
  readonly vendorHint?: string;
  readonly clockSkewThresholdMs?: number;
  /** Probe as this cell client of the endpoint (issue 17). */
  readonly client?: ClientConfig;
}

export type ToHost = ProbeRequest;

export type FaultKind = 'crash' | 'memory';

/** The hidden `cellfleet-agent` command the packaged executable starts its probe hosts with. */
export const PROBE_HOST_COMMAND = '__probe-host';

/** Exit codes of a host that faulted, for when its last message did not make it through. */
export const HOST_EXIT = { crash: 70, memory: 71 } as const;

export type FromHost =
  | { readonly type: 'ready' }
  /** The evidence at each rung boundary, so a host that dies mid-rung still leaves its story. */
  | {
      readonly type: 'progress';
      readonly id: number;
      readonly evidence: ProbeEvidence;
      readonly running: StepName | undefined;
      readonly at: number;
    }
  /** Every HEARTBEAT_MS (watchdog.ts) while the host works on a probe: starved is not dead. */
  | { readonly type: 'heartbeat'; readonly id: number }
  | { readonly type: 'result'; readonly id: number; readonly result: ProbeResult }
  /** The agent's own side failed (its PKI folder, a bug): no verdict about the server. */
  | { readonly type: 'error'; readonly id: number; readonly message: string }
  /** Sent just before the host exits on an uncaught error or over its memory budget. */
  | {
      readonly type: 'fault';
      readonly kind: FaultKind;
      readonly message: string;
      /** What the socket tap saw on the probe's connections. */
      readonly notes: readonly string[];
      readonly status?: string;
    };
