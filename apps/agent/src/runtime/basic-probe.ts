// The spine's probe: connect, open a session, read BuildInfo and ServerStatus. Enough to show a
// cell alive with its server identity; the full diagnosis ladder (probe/) supersedes it.
import type { EndpointConfig, ProbeBody, ProbeStep } from '@cellfleet/protocol';
import {
  AttributeIds,
  MessageSecurityMode,
  type OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
} from 'node-opcua';

const BUILD_INFO = {
  productName: 'ns=0;i=2261',
  productUri: 'ns=0;i=2262',
  manufacturerName: 'ns=0;i=2263',
  softwareVersion: 'ns=0;i=2264',
  buildNumber: 'ns=0;i=2265',
} as const;
const SERVER_STATE = 'ns=0;i=2259';
const CURRENT_TIME = 'ns=0;i=2258';
const STATES = [
  'Running',
  'Failed',
  'NoConfiguration',
  'Suspended',
  'Shutdown',
  'Test',
  'CommunicationFault',
  'Unknown',
];

export function createBasicProbe(certificateManager: OPCUACertificateManager) {
  return async function basicProbe(endpoint: EndpointConfig, timeoutMs: number): Promise<ProbeBody> {
    const startedAt = Date.now();
    const steps: ProbeStep[] = [];
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        const value = await fn();
        steps.push({ name, ok: true, ms: performance.now() - t0 });
        return value;
      } catch (err) {
        steps.push({
          name,
          ok: false,
          ms: performance.now() - t0,
          detail: (err as Error).message.slice(0, 4096),
        });
        throw err;
      }
    };
    const client = OPCUAClient.create({
      applicationName: 'Cellfleet Agent',
      clientCertificateManager: certificateManager,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      transportTimeout: timeoutMs,
      defaultTransactionTimeout: timeoutMs,
      requestedSessionTimeout: 60_000,
      keepSessionAlive: false,
    });
    const base = { endpoint: endpoint.name, url: endpoint.url, startedAt, steps, findings: [] };
    try {
      await step('connect', () => client.connect(endpoint.url));
      const identity = endpoint.user
        ? {
            type: UserTokenType.UserName as const,
            userName: endpoint.user,
            password: endpoint.password ?? '',
          }
        : undefined;
      const session = await step('session', () => client.createSession(identity));
      try {
        const ids = [...Object.values(BUILD_INFO), SERVER_STATE, CURRENT_TIME];
        const values = await step('read', () =>
          session.read(ids.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value }))),
        );
        const v = (i: number) => String(values[i]?.value.value ?? '');
        const state = STATES[Number(values[5]?.value.value)] ?? 'Unknown';
        const time = values[6]?.value.value as Date | undefined;
        return {
          ...base,
          ok: true,
          durationMs: Date.now() - startedAt,
          diagnosis: { code: 'ok', severity: 'ok', summary: `Session established; server state ${state}` },
          server: {
            buildInfo: {
              productName: v(0),
              productUri: v(1),
              manufacturerName: v(2),
              softwareVersion: v(3),
              buildNumber: v(4),
            },
            state,
            ...(time instanceof Date ? { currentTime: time.getTime() } : {}),
          },
        };
      } finally {
        await session.close().catch(() => {});
      }
    } catch (err) {
      return {
        ...base,
        ok: false,
        durationMs: Date.now() - startedAt,
        diagnosis: {
          code: 'unknown',
          severity: 'error',
          summary: (err as Error).message.split('\n')[0]!.slice(0, 1024),
        },
      };
    } finally {
      await client.disconnect().catch(() => {});
    }
  };
}
