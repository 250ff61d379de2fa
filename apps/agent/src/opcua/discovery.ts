// GetEndpoints over a SecurityMode None channel: it works even when the server offers no
// None endpoint for sessions (research §0.7, §3.2), so it is how we learn what to ask for.
import type { EndpointDescription, OPCUAClient } from 'node-opcua-client';
import type { AgentPki } from '../pki/pki.ts';
import { createClient } from './client.ts';
import { quietly, withDeadline } from './deadline.ts';

export interface Discovery {
  readonly endpoints: EndpointDescription[];
  /** Server clock minus local clock, from the GetEndpoints response header (ms). */
  readonly clockOffsetMs?: number;
}

/** Connects with None (the Hello/Acknowledge + None OpenSecureChannel). Closes on failure. */
export async function connectDiscovery(url: string, pki: AgentPki, timeoutMs: number): Promise<OPCUAClient> {
  const client = createClient({ pki, timeoutMs });
  try {
    await withDeadline(client.connect(url), timeoutMs, 'discovery channel');
    return client;
  } catch (err) {
    await quietly(() => client.disconnect());
    throw err;
  }
}

export async function readEndpoints(client: OPCUAClient, timeoutMs: number): Promise<Discovery> {
  const endpoints = await withDeadline(client.getEndpoints(), timeoutMs, 'GetEndpoints');
  return { endpoints, ...clockOffset(client) };
}

/** Discovery in one call, for callers that need no per-step evidence. */
export async function discover(url: string, pki: AgentPki, timeoutMs: number): Promise<Discovery> {
  const client = await connectDiscovery(url, pki, timeoutMs);
  try {
    return await readEndpoints(client, timeoutMs);
  } finally {
    await quietly(() => client.disconnect());
  }
}

// The secure channel records the server's token time (`timeDrift`, research §2.2); it is
// marked internal in node-opcua, so read it defensively and treat its absence as "unknown".
function clockOffset(client: OPCUAClient): { clockOffsetMs?: number } {
  const channel = (client as unknown as { _secureChannel?: { timeDrift?: unknown } })._secureChannel;
  const drift = channel?.timeDrift;
  return typeof drift === 'number' && Number.isFinite(drift) ? { clockOffsetMs: drift } : {};
}
