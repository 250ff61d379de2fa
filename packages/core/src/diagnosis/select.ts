// Which endpoint the agent should use, decided from GetEndpoints alone (Part 4 §5.4.4).
// PRODUCT.md "Security model": prefer SignAndEncrypt with Basic256Sha256 or the Aes
// policies, refuse Basic128Rsa15 (its PKCS#1 v1.5 padding is gone from current Node,
// research §0.2), use None only when it is the only option or explicitly allowed.
import type { EndpointEvidence, ProbeEvidence } from './evidence.ts';

/** Order from the research (§2.3 B14): widest interop first among the current policies. */
export const SUPPORTED_POLICIES = [
  'Basic256Sha256',
  'Aes128_Sha256_RsaOaep',
  'Aes256_Sha256_RsaPss',
] as const;
/** Deprecated by OPC UA 1.04 (SHA-1); Basic128Rsa15 also fails on Node ≥ 20.11. */
export const DEPRECATED_POLICIES = ['Basic128Rsa15', 'Basic256'] as const;

export type Selection =
  | { readonly ok: true; readonly endpoint: EndpointEvidence; readonly insecure: boolean }
  | {
      readonly ok: false;
      readonly code:
        | 'security-policy-mismatch'
        | 'deprecated-security-only'
        | 'security-none-only'
        | 'anonymous-disabled';
      readonly reason: string;
    };

const isSupported = (e: EndpointEvidence) =>
  e.securityMode !== 'None' && (SUPPORTED_POLICIES as readonly string[]).includes(e.securityPolicy);
const isDeprecated = (e: EndpointEvidence) =>
  e.securityMode !== 'None' && (DEPRECATED_POLICIES as readonly string[]).includes(e.securityPolicy);
const isNone = (e: EndpointEvidence) => e.securityMode === 'None';
/** A None endpoint with no user token policy serves discovery only (Part 4 §5.4.4). */
const isSessionNone = (e: EndpointEvidence) => isNone(e) && e.userTokens.length > 0;

function rank(e: EndpointEvidence): number {
  const mode = e.securityMode === 'SignAndEncrypt' ? 100 : 0;
  const policy =
    SUPPORTED_POLICIES.length - (SUPPORTED_POLICIES as readonly string[]).indexOf(e.securityPolicy);
  return mode + policy * 10 + Math.min(e.securityLevel, 9);
}

function strongest(list: readonly EndpointEvidence[]): EndpointEvidence | undefined {
  return [...list].sort((a, b) => rank(b) - rank(a))[0];
}

export function describeOffer(endpoints: readonly EndpointEvidence[]): string {
  const pairs = new Set(endpoints.map((e) => `${e.securityMode}/${e.securityPolicy}`));
  return pairs.size === 0 ? 'no endpoints' : [...pairs].join(', ');
}

export function selectEndpoint(
  endpoints: readonly EndpointEvidence[],
  request: ProbeEvidence['request'],
  client?: ProbeEvidence['asClient'],
): Selection {
  if (client) return selectAsClient(endpoints, client);
  const offer = describeOffer(endpoints);
  if (request.security === 'none') {
    const none = endpoints.find(isSessionNone);
    if (none) return { ok: true, endpoint: none, insecure: true };
    const discoveryOnly = endpoints.some(isNone) ? ' (None for discovery only: it accepts no session)' : '';
    return {
      ok: false,
      code: 'security-policy-mismatch',
      reason: `SecurityMode None requested; offered: ${offer}${discoveryOnly}`,
    };
  }
  const wantMode =
    request.security === 'sign'
      ? 'Sign'
      : request.security === 'sign-and-encrypt'
        ? 'SignAndEncrypt'
        : undefined;
  const fits = (e: EndpointEvidence) => wantMode === undefined || e.securityMode === wantMode;
  const best = strongest(endpoints.filter((e) => isSupported(e) && fits(e)));
  if (best) return { ok: true, endpoint: best, insecure: false };
  return fallback(endpoints, request, wantMode, offer);
}

function fallback(
  endpoints: readonly EndpointEvidence[],
  request: ProbeEvidence['request'],
  wantMode: string | undefined,
  offer: string,
): Selection {
  const secure = endpoints.filter((e) => !isNone(e));
  const none = endpoints.find(isSessionNone);
  // Auto: None is acceptable when nothing secure exists at all, or when the user allowed it.
  if (wantMode === undefined && none && (secure.length === 0 || request.allowSecurityNone)) {
    return { ok: true, endpoint: none, insecure: true };
  }
  if (secure.length > 0 && secure.every(isDeprecated)) {
    return {
      ok: false,
      code: 'deprecated-security-only',
      reason: `only deprecated policies offered: ${offer}`,
    };
  }
  if (secure.length === 0 && none) {
    return {
      ok: false,
      code: 'security-none-only',
      reason: `a secure mode was requested; offered: ${offer}`,
    };
  }
  return {
    ok: false,
    code: 'security-policy-mismatch',
    reason: `no endpoint matches ${wantMode ?? 'a supported secure policy'}; offered: ${offer}`,
  };
}

/**
 * A cell client takes exactly what it is configured with: its mode, its policy and its user
 * token type, whatever else the server offers (issue 17: "a policy the server no longer offers").
 */
export function selectAsClient(
  endpoints: readonly EndpointEvidence[],
  client: NonNullable<ProbeEvidence['asClient']>,
): Selection {
  const want = `${client.securityMode}/${client.securityPolicy}`;
  const who = client.label ?? client.name;
  const offer = describeOffer(endpoints);
  const same = endpoints.filter(
    (e) => e.securityMode === client.securityMode && e.securityPolicy === client.securityPolicy,
  );
  if (same.length === 0) {
    return {
      ok: false,
      code: 'security-policy-mismatch',
      reason: `${who} is configured for ${want}, which the server no longer offers; offered: ${offer}`,
    };
  }
  const withToken = same.find((e) => e.userTokens.includes(client.userTokenType));
  if (withToken) return { ok: true, endpoint: withToken, insecure: client.securityMode === 'None' };
  const tokens = [...new Set(same.flatMap((e) => e.userTokens))].join(', ') || 'none';
  return {
    ok: false,
    code: client.userTokenType === 'Anonymous' ? 'anonymous-disabled' : 'security-policy-mismatch',
    reason: `${who} signs in with ${client.userTokenType}, which the ${want} endpoint does not accept; token types offered: ${tokens}`,
  };
}
