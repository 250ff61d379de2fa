// The security rungs: choose the endpoint (Part 4 §5.4.4 GetEndpoints → the agent's policy),
// then check certificates locally before the secure channel (PRODUCT.md ladder step 4).
import { type EndpointEvidence, type ProbeEvidence, selectEndpoint, validityAt } from '@cellfleet/core';
import type { EndpointDescription } from 'node-opcua-client';
import { checkServerTrust } from '../opcua/trust.ts';
import { serverCertificateOf, toCertificateEvidence } from './certificates.ts';
import type { Ctx } from './ladder.ts';

/** The evidence while it is being gathered. */
export type Draft = { -readonly [K in keyof ProbeEvidence]: ProbeEvidence[K] } & { serverTime?: number };

export async function runSelect(ctx: Ctx): Promise<EndpointEvidence> {
  const t0 = performance.now();
  const pick = selectEndpoint(ctx.ev.endpoints ?? [], ctx.ev.request, ctx.ev.asClient);
  if (!pick.ok) ctx.rec.fail('select-endpoint', t0, pick.reason);
  ctx.ev.chosen = pick.endpoint;
  await ctx.rec.step(
    'select-endpoint',
    async () => pick.endpoint,
    (e) => `${e.securityMode}/${e.securityPolicy}${pick.insecure ? ' (insecure)' : ''}`,
  );
  return pick.endpoint;
}

export async function runCertificates(
  ctx: Ctx,
  descriptions: readonly EndpointDescription[],
  chosen: EndpointEvidence,
): Promise<void> {
  const t0 = performance.now();
  const { ev } = ctx;
  const server = serverCertificateOf(descriptions, chosen);
  if (server) ev.serverCertificate = toCertificateEvidence(server.info);
  // With SecurityMode None no certificate is exchanged on the channel: nothing can fail here.
  if (chosen.securityMode === 'None') {
    await ctx.rec.step(
      'certificates',
      async () => 'not used with SecurityMode None',
      (d) => d,
    );
    return;
  }
  const now = Date.now();
  // The certificate this probe presents: the agent's, or the cell client's (issue 17).
  const presented = ev.agentCertificate ?? toCertificateEvidence(ctx.opts.pki.certificate);
  const whose = ev.asClient?.keyAvailable
    ? `${ev.asClient.label ?? ev.asClient.name}'s certificate`
    : 'the agent certificate';
  if (validityAt(presented, now) !== 'valid') {
    ctx.rec.fail('certificates', t0, `${whose} is outside its validity period`);
  }
  if (!server) ctx.rec.fail('certificates', t0, 'the chosen endpoint carries no server certificate');
  if (validityAt(toCertificateEvidence(server.info), now) !== 'valid') {
    ctx.rec.fail('certificates', t0, 'the server certificate is outside its validity period');
  }
  const before = ctx.opts.pki.trustStatus(server.der);
  const trust = await checkServerTrust(ctx.opts.pki, server.der, ctx.endpoint.trustOnFirstUse ?? false);
  ev.serverCertificateTrust = trust === 'trusted-on-first-use' ? trust : before;
  if (trust === 'untrusted') {
    ctx.rec.fail(
      'certificates',
      t0,
      `the server certificate ${server.info.thumbprint} is not trusted by the agent`,
    );
  }
  await ctx.rec.step(
    'certificates',
    async () => trust,
    (t) => `agent and server certificates valid; server ${t}`,
  );
}
