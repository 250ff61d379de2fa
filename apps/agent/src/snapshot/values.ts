// node-opcua values → JSON for the snapshot. Every value must have exactly one JSON form, so
// equal server values always hash the same (Dates as ISO strings, bytes as base64, Int64 as
// node-opcua's [high, low] pair, non-finite floats as strings).
import type { Json } from '@cellfleet/core';
import { DataType, DataTypeIds, type NodeId } from 'node-opcua-client';
import { NodeIdType } from 'node-opcua-nodeid';

export function toJson(value: unknown, depth = 0): Json {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
    case 'string':
      return value;
    case 'object':
      return objectToJson(value, depth);
    default:
      return String(value);
  }
}

function objectToJson(value: object, depth: number): Json {
  if (depth > 8) return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return `base64:${value.toString('base64')}`;
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<number>, (v) => toJson(v, depth + 1));
  if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1));
  const ctor = value.constructor?.name;
  if (ctor === 'LocalizedText') return (value as { text?: string | null }).text ?? null;
  if (ctor === 'QualifiedName' || ctor === 'NodeId' || ctor === 'ExpandedNodeId') return value.toString();
  // Structures (ExtensionObjects): their own JSON form, re-read so it is plain data.
  try {
    return toJson(JSON.parse(JSON.stringify(value)) as unknown, depth + 1);
  } catch {
    return String(value);
  }
}

const STANDARD_TYPE_NAMES = new Map<number, string>(
  Object.entries(DataTypeIds).map(([name, id]) => [id as number, name]),
);

/** `Double`, `UtcTime`, or `{uri}i=3003` for vendor types (the URI, never the index). */
export function dataTypeName(id: NodeId | null | undefined, namespaces: readonly string[]): string | null {
  if (!id) return null;
  if (id.namespace === 0 && id.identifierType === NodeIdType.NUMERIC) {
    const n = id.value as number;
    return STANDARD_TYPE_NAMES.get(n) ?? DataType[n] ?? `i=${n}`;
  }
  const uri = namespaces[id.namespace] ?? `ns${id.namespace}`;
  const kind =
    id.identifierType === NodeIdType.STRING ? 's' : id.identifierType === NodeIdType.NUMERIC ? 'i' : 'g';
  return `{${uri}}${kind}=${String(id.value)}`;
}

// AccessLevel bits, OPC UA Part 3 §8.57 (AccessLevelType).
const CURRENT_READ = 0x01;
const CURRENT_WRITE = 0x02;
const HISTORY_READ = 0x04;

/** `RW`, `R`, `W`, plus `H` when history is readable; '' when nothing is allowed. */
export function accessText(level: number): string {
  return `${level & CURRENT_READ ? 'R' : ''}${level & CURRENT_WRITE ? 'W' : ''}${level & HISTORY_READ ? 'H' : ''}`;
}

export function isReadOnly(level: number): boolean {
  return (level & CURRENT_WRITE) === 0;
}
