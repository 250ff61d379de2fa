// The hub's store of enrolled cells and what their agents said. Async so that a PostgreSQL
// implementation fits the same interface; SQLite is the default.
import type { CellDetail, CellSummary, Envelope } from '@cellfleet/protocol';

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

export interface IngestOutcome {
  /** Messages stored by this call; the others in the batch were already stored (resends). */
  readonly fresh: readonly Envelope[];
}

export interface CellStore {
  enroll(record: Enrollment): Promise<void>;
  getEnrollment(id: string): Promise<Enrollment | undefined>;
  listEnrollments(): Promise<Enrollment[]>;
  /** Stores a batch in one transaction, idempotent by message id; `receivedAt` is the hub's clock. */
  ingest(batch: readonly Envelope[], receivedAt: number): Promise<IngestOutcome>;
  listCells(): Promise<CellSummary[]>;
  getCell(id: string, probeLimit?: number): Promise<CellDetail | undefined>;
  /** Total messages stored, by kind (for tests and metrics). */
  countMessages(cellId?: string): Promise<Record<string, number>>;
  /** What was stored for a cell, in sequence order: proves exactly-once delivery in tests. */
  messageLog(cellId: string): Promise<Array<{ id: string; seq: number; kind: string; session: number }>>;
  close(): Promise<void>;
}
