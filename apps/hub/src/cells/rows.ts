// Database rows → API shapes for the cell store. Drivers disagree on types (SQLite: 0/1 for booleans; pg: true/false),
// so every field is normalised here.
import type { CellDetail, CellSummary, HealthBody, LastProbe } from '@cellfleet/protocol';

/** An enrolled cell: where it is, its sister group, and its agent's credentials (hashed). */
export interface Enrollment {
  readonly id: string;
  readonly site: string;
  readonly line: string;
  readonly cell: string;
  readonly sisterGroup: string;
  readonly secretHash: string;
  /** The same secret hashed for an external broker's password file (mosquitto `$7$`). */
  readonly brokerHash?: string;
  readonly enrolledAt: number;
}

export type Row = Record<string, unknown>;

export const jsonColumn = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : null);
export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const truthy = (v: unknown) => v === true || v === 1 || v === '1';

/** Where a cell is and its sister group: the columns an enrollment and a summary share. */
const placeOf = (r: Row) => ({
  id: String(r['id']),
  site: String(r['site']),
  line: String(r['line']),
  cell: String(r['cell']),
  sisterGroup: String(r['sister_group']),
});

export function summaryOf(r: Row): CellSummary {
  return {
    ...placeOf(r),
    online: truthy(r['online']),
    since: num(r['since']),
    lastSeen: num(r['last_seen']),
    agentVersion: (r['agent_version'] as string | null | undefined) ?? null,
    buildInfo: jsonColumn(r['build_info']),
    lastProbe: jsonColumn(r['last_probe']),
    ...(num(r['clock_skew_ms']) ? { clockSkewMs: Number(r['clock_skew_ms']) } : {}),
  };
}

export function enrollmentOf(r: Row): Enrollment {
  return {
    ...placeOf(r),
    secretHash: String(r['secret_hash']),
    ...(r['broker_hash'] ? { brokerHash: String(r['broker_hash']) } : {}),
    enrolledAt: Number(r['enrolled_at']),
  };
}

/** A cell row plus its probe rows (newest first) → the cell's detail view. */
export function detailOf(r: Row, probeRows: readonly Row[]): CellDetail {
  return {
    ...summaryOf(r),
    endpoints: jsonColumn(r['endpoints']) ?? [],
    session: Number(r['session']),
    health: jsonColumn(r['health']),
    probes: probeRows.map((p) => {
      const body = JSON.parse(String(p['body'])) as Omit<LastProbe, 'at' | 'client'> & {
        startedAt: number;
        client?: { name: string; label?: string };
      };
      const { client, ...rest } = body;
      return {
        ...rest,
        at: body.startedAt,
        ...(client ? { client: client.name, ...(client.label ? { clientLabel: client.label } : {}) } : {}),
      };
    }),
  };
}

/** A cell as metrics and alerting see it (CellStore.fleetRows). */
export interface FleetRow {
  readonly id: string;
  readonly site: string;
  readonly line: string;
  readonly cell: string;
  readonly sisterGroup: string;
  readonly online: boolean;
  readonly since: number | null;
  /** The last probe: whether it passed, its diagnosis code and severity; null before any probe. */
  readonly probe: { readonly ok: boolean; readonly code: string; readonly severity: string } | null;
  readonly health: HealthBody | null;
}

export function fleetRowOf(r: Row): FleetRow {
  const code = r['code'];
  return {
    ...placeOf(r),
    online: truthy(r['online']),
    since: num(r['since']),
    probe:
      typeof code === 'string'
        ? { ok: truthy(r['probe_ok']) || r['probe_ok'] === 'true', code, severity: String(r['severity']) }
        : null,
    health: jsonColumn(r['health']),
  };
}
