// openSession: what snapshots and actions use to talk to a server. It walks the same
// decisions as the probe ladder (discover → pick the strongest allowed endpoint → check the
// server certificate against the agent's PKI → secure channel → session) without recording
// evidence; when it fails, run probeEndpoint for the diagnosis.

import { selectEndpoint } from '@cellfleet/core';
import type { EndpointConfig } from '@cellfleet/protocol';
import type { ClientSession, OPCUAClient } from 'node-opcua-client';
import type { AgentPki } from '../pki/pki.ts';
import { createClient, identityFor, modeValue, policyUri, toEndpointEvidence } from './client.ts';
import { budget, quietly, withDeadline } from './deadline.ts';
import { discover } from './discovery.ts';
import { checkServerTrust } from './trust.ts';

export interface OpenSession {
  readonly session: ClientSession;
  readonly client: OPCUAClient;
  /** `SignAndEncrypt/Basic256Sha256` and so on. */
  readonly security: string;
  close(): Promise<void>;
}

export class OpenSessionError extends Error {
  override readonly name = 'OpenSessionError';
  readonly step: string;
  /** A taxonomy code when the failure is already clear without the full ladder. */
  readonly code: string | undefined;
  constructor(step: string, message: string, opts: { code?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.step = step;
    this.code = opts.code;
  }
}

export async function openSession(
  endpoint: EndpointConfig,
  opts: { pki: AgentPki; timeoutMs: number },
): Promise<OpenSession> {
  const time = budget(opts.timeoutMs);
  const found = await discover(endpoint.url, opts.pki, time.slice(opts.timeoutMs)).catch((err: unknown) => {
    throw new OpenSessionError('hello', errorText(err), { cause: err });
  });
  const pick = selectEndpoint(found.endpoints.map(toEndpointEvidence), {
    security: endpoint.security ?? 'auto',
    allowSecurityNone: endpoint.allowSecurityNone ?? false,
    hasCredentials: endpoint.user !== undefined,
    trustOnFirstUse: endpoint.trustOnFirstUse ?? false,
  });
  if (!pick.ok) throw new OpenSessionError('select-endpoint', pick.reason, { code: pick.code });
  const chosen = pick.endpoint;
  if (chosen.securityMode !== 'None') {
    const description = found.endpoints.find((e) => toEndpointEvidence(e).endpointUrl === chosen.endpointUrl);
    const cert = description?.serverCertificate;
    if (cert) {
      const trust = await checkServerTrust(opts.pki, cert, endpoint.trustOnFirstUse ?? false);
      if (trust === 'untrusted') {
        throw new OpenSessionError('certificates', 'the server certificate is not trusted by the agent', {
          code: 'server-cert-untrusted',
        });
      }
    }
  }
  return connectAndActivate(endpoint, opts.pki, { mode: chosen, ms: time.slice(opts.timeoutMs) });
}

async function connectAndActivate(
  endpoint: EndpointConfig,
  pki: AgentPki,
  o: {
    mode: { securityMode: 'None' | 'Sign' | 'SignAndEncrypt' | 'Invalid'; securityPolicy: string };
    ms: number;
  },
): Promise<OpenSession> {
  const client = createClient({
    pki,
    timeoutMs: o.ms,
    mode: modeValue(o.mode.securityMode),
    policy: policyUri(o.mode.securityPolicy),
  });
  try {
    await withDeadline(client.connect(endpoint.url), o.ms, 'secure channel');
  } catch (err) {
    await quietly(() => client.disconnect());
    throw new OpenSessionError('secure-channel', errorText(err), { cause: err });
  }
  let session: ClientSession;
  try {
    session = await withDeadline(client.createSession(identityFor(endpoint)), o.ms, 'session');
  } catch (err) {
    await quietly(() => client.disconnect());
    throw new OpenSessionError('session', errorText(err), { cause: err });
  }
  return {
    session,
    client,
    security: `${o.mode.securityMode}/${o.mode.securityPolicy}`,
    close: async () => {
      // Always close: a lingering session counts against Kepware's "Max. connections".
      await quietly(() => session.close());
      await quietly(() => client.disconnect());
    },
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
