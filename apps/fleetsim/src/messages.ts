// Envelopes a simulated agent sends: the same kinds and schemas as the real agent, with
// plausible bodies (a healthy Kepware endpoint) and no OPC UA behind them.
import { randomUUID } from 'node:crypto';
import {
  type BodyOf,
  type CellRef,
  cellId,
  createEnvelope,
  type Envelope,
  type MessageKind,
} from '@cellfleet/protocol';

export const SIM_AGENT_VERSION = '0.1.0-fleetsim';
/** The one endpoint every simulated cell has: a local KEPServerEX. */
export const SIM_ENDPOINT = { name: 'kepware', url: 'opc.tcp://127.0.0.1:49320' };

export interface Stamp {
  readonly ref: CellRef;
  readonly seq: number;
  readonly session: number;
  readonly now: number;
}

export function envelope<K extends MessageKind>(kind: K, s: Stamp, body: BodyOf<K>): Envelope {
  return createEnvelope({
    kind,
    id: randomUUID(),
    cell: cellId(s.ref),
    ts: s.now,
    seq: s.seq,
    session: s.session,
    body,
  }) as Envelope;
}

export const birthBody = (ref: CellRef, sisterGroup: string, probeIntervalMs: number): BodyOf<'birth'> => ({
  state: 'online',
  identity: { ...ref, sisterGroup },
  agentVersion: SIM_AGENT_VERSION,
  probeIntervalMs: Math.max(1000, Math.round(probeIntervalMs)),
  endpoints: [SIM_ENDPOINT],
});

export const probeBody = (now: number): BodyOf<'probe'> => ({
  endpoint: SIM_ENDPOINT.name,
  url: SIM_ENDPOINT.url,
  ok: true,
  startedAt: now,
  durationMs: 18,
  steps: [
    { name: 'tcp', ok: true, ms: 1 },
    { name: 'hello', ok: true, ms: 2 },
    { name: 'session', ok: true, ms: 12 },
    { name: 'read', ok: true, ms: 3 },
  ],
  diagnosis: { code: 'ok', severity: 'ok', summary: 'session established and server reads succeeded' },
  findings: [],
  server: {
    buildInfo: {
      productName: 'KEPServerEX',
      manufacturerName: 'PTC',
      softwareVersion: '6.16.1',
      buildNumber: '1',
    },
    state: 'Running',
  },
  vendor: 'kepware',
});
