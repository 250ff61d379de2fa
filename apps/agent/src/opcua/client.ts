// One place that builds node-opcua clients, so no caller forgets the three settings that
// make a client safe for an agent: its own certificate manager (the default one trusts every
// server, research §0.5), no endless retries (§0.4), and bounded socket/request timeouts.

import type { EndpointEvidence, SecurityModeName, UserTokenName } from '@cellfleet/core';
import type { EndpointConfig } from '@cellfleet/protocol';
import {
  type EndpointDescription,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  type UserIdentityInfo,
  UserTokenType,
} from 'node-opcua-client';
import type { AgentPki } from '../pki/pki.ts';
import { HELLO_LIMITS } from './uacp.ts';

export interface ClientOptions {
  readonly pki: AgentPki;
  readonly timeoutMs: number;
  readonly mode?: MessageSecurityMode;
  readonly policy?: SecurityPolicy;
  /** Present a cell client's certificate instead of the agent's (issue 17); trust stays the agent's. */
  readonly as?: {
    readonly certificateFile: string;
    readonly privateKeyFile: string;
    readonly applicationUri: string;
  };
}

export function createClient(opts: ClientOptions): OPCUAClient {
  const t = Math.max(200, Math.round(opts.timeoutMs));
  return OPCUAClient.create({
    applicationName: opts.pki.applicationName,
    applicationUri: opts.as?.applicationUri ?? opts.pki.applicationUri,
    clientName: 'cellfleet-agent',
    clientCertificateManager: opts.pki.certificateManager,
    certificateFile: opts.as?.certificateFile ?? opts.pki.certificateFile,
    privateKeyFile: opts.as?.privateKeyFile ?? opts.pki.privateKeyFile,
    securityMode: opts.mode ?? MessageSecurityMode.None,
    securityPolicy: opts.policy ?? SecurityPolicy.None,
    // We dial the URL the user gave, not the advertised one (research §2.3 B12).
    endpointMustExist: false,
    // A full strategy: a partial one inherits maxRetry 10 from the channel defaults (§0.4).
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200, randomisationFactor: 0 },
    // The Hello's limits, stated (they are node-opcua's defaults) so the socket tap knows them.
    transportSettings: { ...HELLO_LIMITS },
    transportTimeout: t,
    defaultTransactionTimeout: t,
    requestedSessionTimeout: 60_000,
    keepSessionAlive: false,
  });
}

const POLICY_PREFIX = 'http://opcfoundation.org/UA/SecurityPolicy#';

export function shortPolicy(uri: string | null | undefined): string {
  if (!uri) return 'None';
  return uri.startsWith(POLICY_PREFIX) ? uri.slice(POLICY_PREFIX.length) : uri;
}

export function policyUri(short: string): SecurityPolicy {
  const match = Object.values(SecurityPolicy).find((v) => shortPolicy(v) === short);
  return (match ?? SecurityPolicy.Invalid) as SecurityPolicy;
}

export function modeName(mode: MessageSecurityMode): SecurityModeName {
  const name = MessageSecurityMode[mode];
  return name === 'None' || name === 'Sign' || name === 'SignAndEncrypt' ? name : 'Invalid';
}

export function modeValue(name: SecurityModeName): MessageSecurityMode {
  return MessageSecurityMode[name];
}

function tokenName(t: UserTokenType): UserTokenName | undefined {
  const name = UserTokenType[t];
  return name === 'Anonymous' || name === 'UserName' || name === 'Certificate' || name === 'IssuedToken'
    ? name
    : undefined;
}

/** node-opcua EndpointDescription → the plain evidence the diagnosis rules read. */
export function toEndpointEvidence(e: EndpointDescription): EndpointEvidence {
  const tokens = e.userIdentityTokens ?? [];
  const tokenPolicies = tokens.map((t) => t.securityPolicyUri).filter((u): u is string => Boolean(u));
  return {
    endpointUrl: e.endpointUrl ?? '',
    securityMode: modeName(e.securityMode),
    securityPolicy: shortPolicy(e.securityPolicyUri),
    securityLevel: e.securityLevel,
    userTokens: tokens.map((t) => tokenName(t.tokenType)).filter((n): n is UserTokenName => n !== undefined),
    ...(tokenPolicies.length > 0 ? { userTokenPolicies: [...new Set(tokenPolicies.map(shortPolicy))] } : {}),
  };
}

/** The configured identity; the password is handed to node-opcua and nowhere else. */
export function identityFor(endpoint: Pick<EndpointConfig, 'user' | 'password'>): UserIdentityInfo {
  if (endpoint.user === undefined) return { type: UserTokenType.Anonymous };
  return { type: UserTokenType.UserName, userName: endpoint.user, password: endpoint.password ?? '' };
}
