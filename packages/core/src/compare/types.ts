// Sister comparison: input and result shapes. The result is plain JSON so the API can return
// it as is and every report renderer reads the same thing.
import type { Json } from '../canonical.ts';
import type { SnapshotEntries } from '../snapshot/types.ts';

export interface SisterSnapshot {
  readonly cell: string;
  readonly hash?: string;
  readonly takenAt?: number;
  readonly entries: SnapshotEntries;
}

export interface Tolerance {
  /** Glob over the key's rule path (`Channel1/Device1/Recipe/Temperature#value`, `limits.*`). */
  readonly match: string;
  /** Absolute difference allowed. */
  readonly abs?: number;
  /** Relative difference allowed, as a fraction of the baseline (0.01 = 1 %). */
  readonly rel?: number;
}

export interface CompareRules {
  /** Globs over rule paths; a node path without `#…` ignores all its attributes. */
  readonly ignore?: readonly string[];
  readonly tolerances?: readonly Tolerance[];
  /** Certificates expiring within this many days are flagged (default 30). */
  readonly expiryWarningDays?: number;
}

export interface GoldenBaseline {
  readonly cell: string;
  readonly hash: string;
  readonly entries: SnapshotEntries;
}

export interface CompareInput {
  readonly group: string;
  readonly now: number;
  readonly cells: readonly SisterSnapshot[];
  readonly rules?: CompareRules;
  readonly golden?: GoldenBaseline;
}

export interface Outlier {
  readonly cell: string;
  /** Absent when the cell lacks the key. */
  readonly value?: Json;
  readonly text: string;
}

export interface TieCandidate {
  readonly value?: Json;
  readonly cells: string[];
}

export type RowStatus = 'outliers' | 'tie';

export interface ComparisonRow {
  readonly key: string;
  readonly label: string;
  readonly status: RowStatus;
  /** The baseline value (absent = the baseline is "key missing"); absent on ties. */
  readonly baseline?: Json;
  readonly baselineSource: 'majority' | 'golden';
  /** Cells agreeing with the baseline (within tolerance). */
  readonly agreeing: number;
  readonly outliers: Outlier[];
  /** Set on ties: the tied values and who has them. */
  readonly tie?: TieCandidate[];
  readonly text: string;
}

export type CertificateState = 'ok' | 'expiring' | 'expired' | 'unknown';

export interface CertificateRow {
  readonly cell: string;
  readonly notAfter?: string;
  readonly daysLeft?: number;
  readonly state: CertificateState;
  readonly text: string;
}

export interface CellSummary {
  readonly cell: string;
  readonly hash?: string;
  readonly takenAt?: number;
  readonly outliers: number;
}

export interface Comparison {
  readonly group: string;
  readonly generatedAt: number;
  readonly baselineSource: 'majority' | 'golden';
  readonly golden?: { cell: string; hash: string };
  readonly cells: CellSummary[];
  readonly keysCompared: number;
  readonly keysIdentical: number;
  readonly keysIgnored: number;
  readonly rows: ComparisonRow[];
  readonly certificates: CertificateRow[];
  readonly summary: string[];
}
