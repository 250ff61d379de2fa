// The last rung: what the server says about itself once a session is open (PRODUCT.md ladder
// step 7; node ids from Part 5 §6.3 / node-opcua VariableIds, research §2.4 step 8).
import type { BuildInfoEvidence } from '@cellfleet/core';
import { AttributeIds, type ClientSession, type DataValue } from 'node-opcua-client';
import { withDeadline } from '../opcua/deadline.ts';

const IDS = {
  state: 2259,
  currentTime: 2258,
  productName: 2261,
  productUri: 2262,
  manufacturerName: 2263,
  softwareVersion: 2264,
  buildNumber: 2265,
  buildDate: 2266,
  namespaceArray: 2255,
  currentSessions: 2277,
  cumulatedSessions: 2278,
  rejectedSessions: 3705,
  maxSessions: 24095,
} as const;
type Key = keyof typeof IDS;

/** Part 5 §12.6 ServerState. */
const SERVER_STATES = [
  'Running',
  'Failed',
  'NoConfiguration',
  'Suspended',
  'Shutdown',
  'Test',
  'CommunicationFault',
  'Unknown',
];

export interface ServerReads {
  readonly state?: string;
  readonly currentTime?: number;
  /** Server clock minus local clock at the middle of the read. */
  readonly clockOffsetMs?: number;
  readonly buildInfo?: BuildInfoEvidence;
  readonly namespaces?: string[];
  readonly sessionCounts?: { current?: number; cumulated?: number; rejected?: number; max?: number };
}

export async function readServer(session: ClientSession, ms: number): Promise<ServerReads> {
  const keys = Object.keys(IDS) as Key[];
  const before = Date.now();
  const dvs = await withDeadline(
    session.read(keys.map((k) => ({ nodeId: `ns=0;i=${IDS[k]}`, attributeId: AttributeIds.Value }))),
    ms,
    'reads',
  );
  const mid = (before + Date.now()) / 2;
  const v = (k: Key): unknown => {
    const dv: DataValue | undefined = dvs[keys.indexOf(k)];
    return dv?.statusCode.isGood() ? dv.value.value : undefined;
  };
  const time = v('currentTime');
  const currentTime = time instanceof Date ? time.getTime() : undefined;
  const state = v('state');
  return {
    ...(typeof state === 'number' ? { state: SERVER_STATES[state] ?? `State ${state}` } : {}),
    ...(currentTime === undefined ? {} : { currentTime, clockOffsetMs: Math.round(currentTime - mid) }),
    ...buildInfo(v),
    ...(Array.isArray(v('namespaceArray'))
      ? { namespaces: (v('namespaceArray') as unknown[]).map(String) }
      : {}),
    sessionCounts: definedOnly({
      current: num(v('currentSessions')),
      cumulated: num(v('cumulatedSessions')),
      rejected: num(v('rejectedSessions')),
      max: num(v('maxSessions')),
    }),
  };
}

function buildInfo(v: (k: Key) => unknown): { buildInfo?: BuildInfoEvidence } {
  const s = (k: Key) => (typeof v(k) === 'string' ? (v(k) as string) : undefined);
  const productName = s('productName');
  if (productName === undefined) return {};
  const date = v('buildDate');
  return {
    buildInfo: {
      productName,
      manufacturerName: s('manufacturerName') ?? '',
      softwareVersion: s('softwareVersion') ?? '',
      buildNumber: s('buildNumber') ?? '',
      ...(s('productUri') ? { productUri: s('productUri') as string } : {}),
      ...(date instanceof Date && date.getTime() > 0 ? { buildDate: date.toISOString() } : {}),
    },
  };
}

/** Part 5 §6.3.11 OperationLimits and ServerCapabilities; 0 means "no limit" (research §3.3). */
const LIMIT_IDS = {
  maxNodesPerRead: 11705,
  maxNodesPerWrite: 11707,
  maxNodesPerMethodCall: 11709,
  maxNodesPerBrowse: 11710,
  maxNodesPerTranslateBrowsePathsToNodeIds: 11712,
  maxMonitoredItemsPerCall: 11714,
  maxBrowseContinuationPoints: 2735,
  maxArrayLength: 11702,
  maxStringLength: 11703,
} as const;

/** One read of the limits the server reports (node-opcua's helper logs every missing one). */
export async function readLimits(session: ClientSession, ms: number): Promise<Record<string, number>> {
  const keys = Object.keys(LIMIT_IDS) as (keyof typeof LIMIT_IDS)[];
  try {
    const dvs = await withDeadline(
      session.read(keys.map((k) => ({ nodeId: `ns=0;i=${LIMIT_IDS[k]}`, attributeId: AttributeIds.Value }))),
      ms,
      'operation limits',
    );
    const out: Record<string, number> = {};
    keys.forEach((k, i) => {
      const dv = dvs[i];
      if (dv?.statusCode.isGood() && typeof dv.value.value === 'number') out[k] = dv.value.value;
    });
    return out;
  } catch {
    // Optional on many servers; their absence is not a fault.
    return {};
  }
}

const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);

function definedOnly<T extends Record<string, number | undefined>>(o: T): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as {
    [K in keyof T]?: number;
  };
}
