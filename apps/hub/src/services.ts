// The hub's domain services on one SQLite database, so a state change and its audit record
// commit in one transaction: cells, users and sessions, the audit chain, the action keyring,
// and maintenance-window actions.
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { ActionBody } from '@cellfleet/protocol';
import { type ActionPolicy, createActionService, openKeyring } from './actions/index.ts';
import { createAuditLog } from './audit/index.ts';
import { createAuthService } from './auth/index.ts';
import { sqliteCellStore } from './cells/sqlite-store.ts';
import type { CellStore } from './cells/store.ts';
import { createSnapshotService, sqliteSnapshotStore } from './snapshots/index.ts';

export interface ServiceDeps {
  readonly db: DatabaseSync;
  readonly now: () => number;
  /** Sends a signed action to a cell's command topic. */
  readonly publishAction: (cellId: string, body: ActionBody) => Promise<void>;
  /** Approvals needed, retry delays after a deferral, … (defaults in actions/service.ts). */
  readonly actionPolicy?: Partial<ActionPolicy>;
  /** The cell store; SQLite on `db` unless given (PostgreSQL for scale-out, issue 7). */
  readonly cellStore?: CellStore;
}

export function createServices(d: ServiceDeps) {
  const audit = createAuditLog(d.db);
  const auth = createAuthService({ db: d.db, audit, now: d.now });
  const keyring = openKeyring(d.db, d.now);
  const actions = createActionService({
    db: d.db,
    audit,
    keyring,
    newId: randomUUID,
    publish: d.publishAction,
    ...(d.actionPolicy ? { policy: d.actionPolicy } : {}),
  });
  const store = d.cellStore ?? sqliteCellStore(d.db);
  const snapshots = createSnapshotService({
    store: sqliteSnapshotStore(d.db),
    now: d.now,
    newId: randomUUID,
    // Sister groups come from enrollment: the hub, not the agent, decides who is a sister.
    sisters: {
      cellsInGroup: async (group) =>
        (await store.listCells()).filter((c) => c.sisterGroup === group).map((c) => c.id),
    },
  });
  return { store, audit, auth, keyring, actions, snapshots };
}

export type Services = ReturnType<typeof createServices>;
