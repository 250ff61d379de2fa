// What a simulated agent reports instead of walking OPC UA: a healthy Kepware endpoint's probe.
import type { BodyOf } from '@cellfleet/protocol';

export const SIM_AGENT_VERSION = '0.1.0-fleetsim';
/** The one endpoint every simulated cell has: a local KEPServerEX. */
export const SIM_ENDPOINT = { name: 'kepware', url: 'opc.tcp://127.0.0.1:49320' };

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
