import { MessageSecurityMode, type OPCUAServer, SecurityPolicy, UserTokenType } from 'node-opcua';
import type { Fault } from './types.ts';

// Which endpoints a cell advertises (GetEndpoints, OPC UA Part 4 §5.4.4). node-opcua derives
// them once from its constructor options and advertises its own listen port; a cell listens
// behind its front port and switches security at run time, so the descriptions are rebuilt in
// place: the server reads this same list for GetEndpoints, FindServers and for the endpoint
// check at CreateSession (findMatchingEndpoints), so a rebuild takes effect at once.

export interface EndpointPlan {
  hostname: string;
  port: number;
  /** URL path of the vendor's endpoint (`/FactoryTalkLinxGateway1`), '' for none */
  resourcePath: string;
  /** 'full': a None endpoint for sessions; 'restricted': None for discovery only (Part 4 §5.4.4) */
  none: 'full' | 'restricted';
  securePolicies: SecurityPolicy[];
  userTokenTypes: UserTokenType[];
  /** policies used to encrypt a password sent over a None channel */
  tokenPolicies: SecurityPolicy[];
}

const MODERN = [SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep];
// Deprecated by OPC UA 1.04 (Part 7 profiles): Basic128Rsa15 and Basic256. Node >= 20.11 cannot
// even decrypt Rsa15 (research §0.2), so a modern client sees only endpoints it cannot use.
const DEPRECATED = [SecurityPolicy.Basic128Rsa15, SecurityPolicy.Basic256];

/** `press-01` → `press-01.invalid`: RFC 2606 reserves .invalid, so it never resolves. */
export function unresolvableHost(cellName: string): string {
  const label =
    cellName
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'cell';
  return `${label}.invalid`;
}

export function endpointPlan(
  faults: ReadonlySet<Fault>,
  advertised: { host: string; port: number; cellName: string; resourcePath?: string },
): EndpointPlan {
  const noneOnly = faults.has('security-none-only');
  const deprecated = faults.has('deprecated-security-only');
  const securePolicies = noneOnly ? [] : deprecated ? DEPRECATED : MODERN;
  const userTokenTypes = [UserTokenType.Anonymous, UserTokenType.UserName, UserTokenType.Certificate].filter(
    (t) => t !== UserTokenType.Anonymous || !faults.has('anonymous-disabled'),
  );
  return {
    hostname: faults.has('advertised-host-unresolvable')
      ? unresolvableHost(advertised.cellName)
      : advertised.host,
    port: advertised.port,
    resourcePath: advertised.resourcePath ?? '',
    none: deprecated && !noneOnly ? 'restricted' : 'full',
    securePolicies,
    userTokenTypes,
    tokenPolicies: securePolicies.length > 0 ? securePolicies : [SecurityPolicy.Basic256Sha256],
  };
}

interface PolicyIdRegistry {
  _policy_deduplicator?: Record<string, number>;
}

export function applyEndpointPlan(server: OPCUAServer, plan: EndpointPlan): void {
  for (const endpoint of server.endpoints) {
    endpoint.endpointDescriptions().length = 0;
    // node-opcua suffixes a user token policyId already handed out (anonymous_0, anonymous_1…);
    // forgetting the old ones keeps the ids of a rebuild equal to the first build, so a client
    // holding endpoints from before a fault switch can still activate its session
    const registry = endpoint as unknown as PolicyIdRegistry;
    if (registry._policy_deduplicator) registry._policy_deduplicator = {};
    const options = {
      hostname: plan.hostname,
      advertisedPort: plan.port,
      securityPolicies: plan.tokenPolicies,
      userTokenTypes: plan.userTokenTypes,
      resourcePath: plan.resourcePath,
    };
    if (plan.none === 'full')
      endpoint.addEndpointDescription(MessageSecurityMode.None, SecurityPolicy.None, options);
    else endpoint.addRestrictedEndpointDescription(options);
    for (const mode of [MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt]) {
      for (const policy of plan.securePolicies) {
        endpoint.addEndpointDescription(mode, policy, options);
      }
    }
  }
}
