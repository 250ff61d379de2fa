// Reading and writing the variables a write-parameters action names. A write is addressed by
// its snapshot key (`/Objects/{KEPServerEX}Channel1/...`, stable across installs) or by a node
// id; both are resolved on the live server with the snapshotter's own resolver, so an action
// built from a snapshot lands on the node that snapshot described.
import type { NodeValue, ParameterWrite } from '@cellfleet/protocol';
import {
  AttributeIds,
  type ClientSession,
  DataType,
  type DataValue,
  Variant,
  VariantArrayType,
} from 'node-opcua-client';
import { resolveRoot } from '../snapshot/roots.ts';
import { batchLimits, readServerInfo } from '../snapshot/server-info.ts';

/** One resolved target and its value at the rollback point; stored in the ledger as JSON. */
export interface TargetState {
  readonly path: string;
  readonly nodeId: string;
  /** node-opcua DataType and VariantArrayType numbers of the value read before: writes reuse them. */
  readonly dataType: number;
  readonly arrayType: number;
  readonly before: NodeValue;
  readonly requested: NodeValue;
}

export async function resolveTargets(
  session: ClientSession,
  writes: readonly ParameterWrite[],
): Promise<{ path: string; nodeId: string; requested: NodeValue }[]> {
  const counts = { browse: 0, browseNext: 0, read: 0 };
  const info = await readServerInfo(session, counts);
  const ctx = {
    batch: { session, counts, limits: batchLimits(info.limits), maxAgeMs: 0 },
    namespaces: info.namespaces,
    serverUri: info.serverUri,
  };
  const out: { path: string; nodeId: string; requested: NodeValue }[] = [];
  for (const w of writes) {
    const spec = w.nodeId ?? w.path.replace(/#value$/, '');
    const root = await resolveRoot(ctx, spec);
    out.push({ path: w.path, nodeId: root.nodeId.toString(), requested: w.value });
  }
  return out;
}

/** A value as the wire carries it: scalars, null, arrays of scalars (typed arrays flattened). */
export function toNodeValue(v: unknown): NodeValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    return Array.from(v as ArrayLike<unknown>, (x) => {
      const n = toNodeValue(x);
      return Array.isArray(n) || n === null ? String(x) : n;
    });
  }
  return String(v);
}

const NUMERIC = new Set([
  DataType.SByte,
  DataType.Byte,
  DataType.Int16,
  DataType.UInt16,
  DataType.Int32,
  DataType.UInt32,
  DataType.Int64,
  DataType.UInt64,
  DataType.Float,
  DataType.Double,
]);

function coerceScalar(dataType: number, v: string | number | boolean): string | number | boolean {
  if (NUMERIC.has(dataType)) {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    const integral = dataType !== DataType.Float && dataType !== DataType.Double;
    if (typeof n !== 'number' || !Number.isFinite(n) || (integral && !Number.isInteger(n)))
      throw new Error(`${JSON.stringify(v)} is not a ${DataType[dataType]}`);
    return n;
  }
  if (dataType === DataType.Boolean) {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new Error(`${JSON.stringify(v)} is not a Boolean`);
  }
  if (dataType === DataType.String) return String(v);
  return v;
}

/**
 * The requested value in the node's own data type, or an error before anything is written.
 * JSON cannot say Int32 vs Double, and an HTTP layer may have turned 150 into "150" on the way;
 * the node's DataType (read with the rollback point) decides, as a UA client would.
 */
export function coerceValue(dataType: number, arrayType: number, value: NodeValue): NodeValue {
  if (value === null) throw new Error('null cannot be written');
  if (arrayType === VariantArrayType.Array) {
    if (!Array.isArray(value)) throw new Error('the node holds an array');
    return value.map((x) => coerceScalar(dataType, x));
  }
  if (Array.isArray(value)) throw new Error('the node holds a single value');
  return coerceScalar(dataType, value);
}

/** Read back "as asked": Float and Double round-trips, element by element for arrays. */
export function sameValue(dataType: number, a: NodeValue, b: NodeValue): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(dataType, x, b[i] ?? null));
  if (typeof a === 'number' && typeof b === 'number')
    return dataType === DataType.Float ? Math.fround(a) === Math.fround(b) : a === b;
  return a === b;
}

export async function readValues(session: ClientSession, nodeIds: readonly string[]): Promise<DataValue[]> {
  // maxAge 0: the value now, never a server cache (OPC UA Part 4 §5.10.2).
  return session.read(
    nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
    0,
  );
}

export function goodValue(dv: DataValue | undefined, what: string): NodeValue {
  if (!dv?.statusCode.isGood()) throw new Error(`cannot read ${what}: ${dv?.statusCode.name ?? 'no answer'}`);
  return toNodeValue(dv.value.value);
}

/** Writes values with the data type read before; returns each node's status name. */
export async function writeValues(
  session: ClientSession,
  items: readonly { target: TargetState; value: NodeValue }[],
): Promise<string[]> {
  const statuses = await session.write(
    items.map(({ target, value }) => ({
      nodeId: target.nodeId,
      attributeId: AttributeIds.Value,
      value: {
        value: new Variant({
          dataType: target.dataType,
          arrayType: target.arrayType as VariantArrayType,
          value: target.arrayType === VariantArrayType.Array && Array.isArray(value) ? [...value] : value,
        }),
      },
    })),
  );
  return statuses.map((s) => s.name);
}
