// The hub's domain services on one database (SQLite for a single hub, PostgreSQL shared by
// replicas), so a state change and its audit record commit in one transaction: cells, users
// and sessions, the audit chain, the action keyring, maintenance-window actions, snapshots.
import { randomUUID } from 'node:crypto';
import type { ActionBody } from '@cellfleet/protocol';
import type { Failpoint } from './actions/failpoints.ts';
import { type ActionPolicy, openActionService, openAgentBuilds } from './actions/index.ts';
import { openAuditLog } from './audit/index.ts';
import { openAuthService } from './auth/index.ts';
import { openCaptureStore, openCellStore, openEnrollTokens, openInvocationStore } from './cells/index.ts';
import type { Sql } from './db/sql.ts';
import { indexFeedSources, openFleetStore } from './fleet/index.ts';
import { openHistoryStore } from './history/index.ts';
import { openKeyring, pinnedKeys } from './keys/index.ts';
import {
  createSisterTally,
  createSnapshotService,
  enrolledSisters,
  openSqlSnapshotStore,
} from './snapshots/index.ts';

export interface ServiceDeps {
  readonly sql: Sql;
  readonly now: () => number;
  /** Sends a signed action to a cell's command topic. */
  readonly sendAction: (cellId: string, body: ActionBody) => Promise<void>;
  /** Approvals needed, retry delays after a deferral, … (defaults in actions/service.ts). */
  readonly actionPolicy?: Partial<ActionPolicy>;
  readonly failpoint?: Failpoint;
  /** Where signed agent builds are kept (actions/builds.ts); none: the hub serves no builds. */
  readonly buildsDir?: string;
}

export async function createServices(d: ServiceDeps) {
  const { sql, now } = d;
  const cells = await openCellStore(sql);
  const captures = await openCaptureStore(sql);
  const audit = await openAuditLog(sql);
  const auth = await openAuthService({ sql, audit, now });
  const keyring = await openKeyring(sql, now);
  const actions = await openActionService({
    sql,
    audit,
    keyring,
    newId: randomUUID,
    publish: d.sendAction,
    ...(d.actionPolicy ? { policy: d.actionPolicy } : {}),
    ...(d.failpoint ? { failpoint: d.failpoint } : {}),
  });
  const invocations = await openInvocationStore(sql);
  const history = await openHistoryStore(sql);
  const enrollTokens = await openEnrollTokens({ sql, cells, audit, actionKeys: () => pinnedKeys(keyring) });
  const builds = await openAgentBuilds({ sql, keyring, audit, dir: d.buildsDir });
  const snapshotStore = await openSqlSnapshotStore(sql);
  // Sister groups come from enrollment: the hub, not the agent, decides who is a sister.
  const sisters = enrolledSisters(cells);
  const snapshots = createSnapshotService({
    store: snapshotStore,
    now,
    newId: randomUUID,
    sisters,
    tally: createSisterTally({ sql, store: snapshotStore, directory: sisters }),
  });
  const fleet = await openFleetStore(sql);
  // After the snapshot and audit modules made their tables: the change feed reads them by time.
  await indexFeedSources(sql);
  return {
    sql,
    cells,
    captures,
    invocations,
    history,
    audit,
    auth,
    keyring,
    actions,
    builds,
    snapshots,
    enrollTokens,
    fleet,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
