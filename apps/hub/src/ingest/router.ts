// The ingest router: which features act on which kind of message once it is stored. One row
// per kind the agents send, each a list of handlers; the table's type demands a row for every
// UpKind, so adding a kind to the protocol makes the compiler name this table until someone
// decides who handles it (an empty row is a decision: the cell store alone keeps it).
//
// Handlers run per message in the order the batch was stored. `beforeAck` work is part of
// "stored": the ack goes out only after it (snapshot bodies). `afterAck` work is a
// consequence the agent need not wait for (recording an action result, re-sending actions).
import type { Envelope, UpKind } from '@cellfleet/protocol';
import type { Logger } from 'pino';

export interface KindHandler<K extends UpKind> {
  /** The feature that owns this handler, for log lines. */
  readonly owner: string;
  beforeAck?(message: Envelope<K>): Promise<void>;
  afterAck?(message: Envelope<K>): Promise<void>;
}

export type IngestRoutes = { readonly [K in UpKind]: readonly KindHandler<K>[] };

export interface Router {
  /** Runs every beforeAck handler of the batch's messages, in order; a failure is logged, not thrown. */
  beforeAck(fresh: readonly Envelope[]): Promise<void>;
  /** Starts every afterAck handler; failures are logged. */
  afterAck(fresh: readonly Envelope[]): void;
}

export function createRouter(routes: IngestRoutes, logger: Logger): Router {
  // The one place a message meets its kind's handlers: the table's type pairs them, the lookup
  // by a runtime kind cannot, hence the widening.
  const handlersOf = (m: Envelope): readonly KindHandler<UpKind>[] =>
    (routes as Partial<Record<string, readonly KindHandler<UpKind>[]>>)[m.kind] ?? [];
  const failed = (h: KindHandler<UpKind>, m: Envelope, stage: string) => (err: unknown) =>
    logger.error(
      { cell: m.cell, kind: m.kind, owner: h.owner, err: (err as Error).message },
      `ingest: ${h.owner} failed ${stage} on a stored message`,
    );
  return {
    async beforeAck(fresh) {
      for (const m of fresh)
        for (const h of handlersOf(m))
          if (h.beforeAck) await h.beforeAck(m as Envelope<UpKind>).catch(failed(h, m, 'before the ack'));
    },
    afterAck(fresh) {
      for (const m of fresh)
        for (const h of handlersOf(m))
          if (h.afterAck) void h.afterAck(m as Envelope<UpKind>).catch(failed(h, m, 'after the ack'));
    },
  };
}
