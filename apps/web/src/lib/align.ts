// "Align with sister baseline": a comparison row becomes a parameter write. Only node values
// (`…#value` keys) can be written back; server identity, endpoints and certificates cannot.
import type { ComparisonRowView, ParameterWrite, WriteSource } from '@cellfleet/protocol';

export function alignWrite(row: ComparisonRowView, cell: string): ParameterWrite | null {
  if (!row.key.endsWith('#value') || row.status !== 'outliers' || row.baseline === undefined) return null;
  const b = row.baseline;
  if (typeof b === 'object' && b !== null && !Array.isArray(b)) return null;
  const o = row.outliers.find((x) => x.cell === cell);
  if (!o) return null;
  return {
    path: row.key.slice(0, -'#value'.length),
    value: b as ParameterWrite['value'],
    ...(o.value !== undefined ? { previous: o.value as ParameterWrite['value'] } : {}),
  };
}

/** What the propose form is pre-filled with when a fix comes from a comparison or a snapshot. */
export interface Preset {
  readonly source: WriteSource;
  readonly writes: ParameterWrite[];
  readonly reason: string;
}
