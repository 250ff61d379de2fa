// Cell identity. A cell is addressed by site / line / cell; each segment is a topic level,
// so it must not contain MQTT wildcards or separators ([MQTT-4.7.1-1], [MQTT-4.7.1-2]).
// The dotted form `site.line.cell` is the cell id used in the store and in URLs.

export const SEGMENT_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const SEGMENT = new RegExp(SEGMENT_PATTERN);

export interface CellRef {
  readonly site: string;
  readonly line: string;
  readonly cell: string;
}

/** Why a segment is not a valid id segment, or undefined when it is. */
export function segmentProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (value.length > 64) return 'must be at most 64 characters';
  if (!SEGMENT.test(value)) return 'may contain only letters, digits, "_" and "-"';
  return undefined;
}

export function cellId(ref: CellRef): string {
  return `${ref.site}.${ref.line}.${ref.cell}`;
}

export function parseCellId(id: string): CellRef | undefined {
  const parts = id.split('.');
  if (parts.length !== 3) return undefined;
  const [site, line, cell] = parts as [string, string, string];
  if ([site, line, cell].some((s) => segmentProblem(s) !== undefined)) return undefined;
  return { site, line, cell };
}

const segment = SEGMENT_PATTERN.slice(1, -1);
export const MESSAGE_ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$';
export const CELL_ID_PATTERN = `^${segment}\\.${segment}\\.${segment}$`;
