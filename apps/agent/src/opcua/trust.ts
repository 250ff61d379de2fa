// Server certificate trust, decided by the agent's PKI before any secure channel opens.
// Never accept an unknown certificate silently (PRODUCT.md "Security model"); trust on first
// use only when the endpoint is configured for it, and only for a certificate never seen before
// (one already in rejected/ was seen and not trusted by a person).
import type { AgentPki } from '../pki/pki.ts';

export type ServerTrust = 'trusted' | 'trusted-on-first-use' | 'untrusted';

export async function checkServerTrust(
  pki: AgentPki,
  der: Buffer,
  trustOnFirstUse: boolean,
): Promise<ServerTrust> {
  const status = pki.trustStatus(der);
  if (status === 'trusted') return 'trusted';
  if (status === 'unknown' && trustOnFirstUse) {
    await pki.trust(der);
    return 'trusted-on-first-use';
  }
  // Keep a copy in rejected/ so `cellfleet-agent trust` can list it.
  if (status === 'unknown') await pki.reject(der);
  return 'untrusted';
}
