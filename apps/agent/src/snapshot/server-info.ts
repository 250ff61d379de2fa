// The server-level part of a snapshot: identity (BuildInfo), namespaces, operation limits,
// endpoints with their security and token types, and the server certificate.
import { createHash, X509Certificate } from 'node:crypto';
import { BUILD_DATE_NOTE, buildDateFollowsStart, type Json, type SnapshotEntries } from '@cellfleet/core';
import {
  AttributeIds,
  type ClientSession,
  type EndpointDescription,
  MessageSecurityMode,
  UserTokenType,
  VariableIds,
} from 'node-opcua-client';
import type { BatchContext, BatchLimits } from './batch.ts';
import { toJson } from './values.ts';

const BUILD_INFO: [string, number][] = [
  ['productName', VariableIds.Server_ServerStatus_BuildInfo_ProductName],
  ['productUri', VariableIds.Server_ServerStatus_BuildInfo_ProductUri],
  ['manufacturerName', VariableIds.Server_ServerStatus_BuildInfo_ManufacturerName],
  ['softwareVersion', VariableIds.Server_ServerStatus_BuildInfo_SoftwareVersion],
  ['buildNumber', VariableIds.Server_ServerStatus_BuildInfo_BuildNumber],
  ['buildDate', VariableIds.Server_ServerStatus_BuildInfo_BuildDate],
];

const OL = 'Server_ServerCapabilities_OperationLimits_';
const LIMITS: [string, number][] = [
  ['maxBrowseContinuationPoints', VariableIds.Server_ServerCapabilities_MaxBrowseContinuationPoints],
  ...[
    'MaxNodesPerRead',
    'MaxNodesPerBrowse',
    'MaxNodesPerWrite',
    'MaxNodesPerMethodCall',
    'MaxNodesPerTranslateBrowsePathsToNodeIds',
    'MaxNodesPerRegisterNodes',
    'MaxMonitoredItemsPerCall',
  ].map((n): [string, number] => [
    n[0]!.toLowerCase() + n.slice(1),
    VariableIds[`${OL}${n}` as keyof typeof VariableIds] as number,
  ]),
];

export interface ServerInfo {
  readonly entries: SnapshotEntries;
  readonly namespaces: string[];
  /** The server's own URI (ServerArray[0]); written as `{server}` in keys. */
  readonly serverUri: string | undefined;
  readonly limits: Record<string, number>;
  /** Things the snapshot status should say (a volatile BuildDate left out). */
  readonly notes: string[];
}

export async function readServerInfo(
  session: ClientSession,
  counts: BatchContext['counts'],
): Promise<ServerInfo> {
  const ids = [
    ...BUILD_INFO.map(([, id]) => id),
    VariableIds.Server_NamespaceArray,
    VariableIds.Server_ServerArray,
    ...LIMITS.map(([, id]) => id),
    VariableIds.Server_ServerStatus_StartTime,
  ];
  counts.read++;
  const dvs = await session.read(
    ids.map((i) => ({ nodeId: `ns=0;i=${i}`, attributeId: AttributeIds.Value })),
    0,
  );
  const good = (k: number): unknown => (dvs[k]?.statusCode.isGood() ? dvs[k]?.value.value : undefined);
  const entries: SnapshotEntries = {};
  BUILD_INFO.forEach(([name], k) => {
    const v = good(k);
    if (v !== undefined && v !== null) entries[`server.${name}`] = toJson(v);
  });
  const namespaces = ((good(BUILD_INFO.length) as string[] | undefined) ?? []).map(String);
  const serverUri = (good(BUILD_INFO.length + 1) as string[] | undefined)?.[0];
  const limits: Record<string, number> = {};
  LIMITS.forEach(([name], k) => {
    const v = good(BUILD_INFO.length + 2 + k);
    if (typeof v === 'number') limits[name] = v;
  });
  for (const [name, v] of Object.entries(limits)) entries[`limits.${name}`] = v;
  entries['namespaces'] = namespaces.map((u) => (u === serverUri ? '{server}' : u)).sort();
  const notes: string[] = [];
  const startTime = toJson(good(ids.length - 1));
  if (buildDateFollowsStart(entries['server.buildDate'], startTime)) {
    delete entries['server.buildDate'];
    notes.push(BUILD_DATE_NOTE);
  }
  return { entries, namespaces, serverUri, limits, notes };
}

export interface LimitOptions {
  readonly concurrency?: number;
  readonly maxBrowse?: number;
  readonly maxRead?: number;
}

// Conservative defaults where a server declares 0 ("no limit", Part 5 §6.3.11) or nothing:
// no limit is not an invitation, and small PLC servers fall over on big requests.
const DEFAULT_BROWSE = 100;
const DEFAULT_READ = 500;
const CAP_BROWSE = 1000;
const CAP_READ = 2000;

export function batchLimits(declared: Record<string, number>, o: LimitOptions = {}): BatchLimits {
  const concurrency = Math.max(1, o.concurrency ?? 2);
  const pick = (v: number | undefined, dflt: number, cap: number) => Math.min(v && v > 0 ? v : dflt, cap);
  let browse = pick(declared['maxNodesPerBrowse'], DEFAULT_BROWSE, o.maxBrowse ?? CAP_BROWSE);
  // Each browsed node may hold a continuation point until BrowseNext; never hold more than the
  // server keeps per session (Part 4 §5.8.2, MaxBrowseContinuationPoints).
  const cps = declared['maxBrowseContinuationPoints'];
  if (cps && cps > 0) browse = Math.max(1, Math.min(browse, Math.floor(cps / concurrency)));
  const read = pick(declared['maxNodesPerRead'], DEFAULT_READ, o.maxRead ?? CAP_READ);
  return { browse, read, concurrency, referencesPerNode: 1000 };
}

const POLICY_PREFIX = 'http://opcfoundation.org/UA/SecurityPolicy#';

/** `endpoint.SignAndEncrypt.Basic256Sha256` → `Anonymous,UserName`; URLs are per host, so not keyed. */
export function endpointEntries(endpoints: readonly EndpointDescription[]): SnapshotEntries {
  const entries: SnapshotEntries = {};
  for (const e of endpoints) {
    const mode = MessageSecurityMode[e.securityMode] ?? String(e.securityMode);
    const policy = (e.securityPolicyUri ?? '').replace(POLICY_PREFIX, '') || 'None';
    const tokens = (e.userIdentityTokens ?? []).map((t) => UserTokenType[t.tokenType] ?? String(t.tokenType));
    entries[`endpoint.${mode}.${policy}`] = [...new Set(tokens)].sort().join(',');
  }
  return entries;
}

export function certificateEntries(der: Buffer | null | undefined): SnapshotEntries {
  if (!der || der.length === 0) return {};
  try {
    const x = new X509Certificate(der);
    const entries: Record<string, Json> = {
      // SHA-1 of the DER: the thumbprint Kepware and Ignition show next to a certificate.
      'certificate.thumbprint': createHash('sha1').update(x.raw).digest('hex'),
      'certificate.subject': x.subject.replace(/\n/g, ', '),
      'certificate.notBefore': new Date(x.validFrom).toISOString(),
      'certificate.notAfter': new Date(x.validTo).toISOString(),
    };
    return entries;
  } catch {
    return { 'certificate.thumbprint': createHash('sha1').update(der).digest('hex') };
  }
}
