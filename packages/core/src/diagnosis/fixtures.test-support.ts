// Recorded evidence for the table-driven rule tests: builders that start from a healthy probe
// and break one rung, with error texts copied from research §2.1 (node-opcua 2.186.4).
import type {
  CertificateEvidence,
  EndpointEvidence,
  ProbeEvidence,
  StepEvidence,
  StepName,
} from './evidence.ts';
import { STEP_NAMES } from './evidence.ts';

export const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const DAY = 86_400_000;

export const cert = (over: Partial<CertificateEvidence> = {}): CertificateEvidence => ({
  thumbprint: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  subject: 'CN=test',
  notBefore: NOW - 100 * DAY,
  notAfter: NOW + 3000 * DAY,
  applicationUri: 'urn:test:server',
  dns: ['kep01'],
  ip: ['127.0.0.1'],
  ...over,
});

export const ep = (
  mode: EndpointEvidence['securityMode'],
  policy: string,
  tokens = ['Anonymous', 'UserName'],
) =>
  ({
    endpointUrl: 'opc.tcp://127.0.0.1:49320',
    securityMode: mode,
    securityPolicy: policy,
    securityLevel: mode === 'SignAndEncrypt' ? 3 : mode === 'Sign' ? 2 : 0,
    userTokens: tokens,
  }) as EndpointEvidence;

export const SECURE = ep('SignAndEncrypt', 'Basic256Sha256');

/** A healthy probe of a Kepware-like server. */
export function healthy(over: Partial<ProbeEvidence> = {}): ProbeEvidence {
  return {
    url: 'opc.tcp://127.0.0.1:49320',
    host: '127.0.0.1',
    port: 49320,
    request: { security: 'auto', allowSecurityNone: false, hasCredentials: false, trustOnFirstUse: false },
    steps: STEP_NAMES.map((name) => ({ name, ok: true, ms: 3 })),
    endpoints: [ep('None', 'None'), SECURE],
    chosen: SECURE,
    agentCertificate: cert({ applicationUri: 'urn:cellfleet:agent:cli', dns: ['ipc'], ip: [] }),
    serverCertificate: cert(),
    serverCertificateTrust: 'trusted',
    server: { applicationUri: 'urn:test:server' },
    serverState: 'Running',
    clockOffsetMs: 40,
    buildInfo: {
      productName: 'KEPServerEX',
      manufacturerName: 'PTC',
      softwareVersion: '6.14.263',
      buildNumber: '1',
    },
    ...over,
  };
}

/** The same probe, stopped at `step` with this error; later steps are not recorded. */
export function failedAt(
  step: StepName,
  error: StepEvidence['error'],
  over: Partial<ProbeEvidence> = {},
): ProbeEvidence {
  const at = STEP_NAMES.indexOf(step);
  const steps: StepEvidence[] = STEP_NAMES.slice(0, at).map((name) => ({ name, ok: true, ms: 3 }));
  steps.push({ name: step, ok: false, ms: 5, ...(error ? { error } : {}) });
  const base = healthy(over);
  const keep = <T>(from: StepName, v: T) => (STEP_NAMES.indexOf(from) < at ? v : undefined);
  return {
    ...base,
    steps,
    endpoints: keep('endpoints', base.endpoints) ?? [],
    chosen: keep('select-endpoint', base.chosen),
    serverState: keep('reads', base.serverState),
    buildInfo: keep('reads', base.buildInfo),
    ...over,
  } as ProbeEvidence;
}
