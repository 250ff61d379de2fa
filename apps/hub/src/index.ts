// @cellfleet/hub's public surface: what the demo, the fleet simulator, the benchmarks and the
// end-to-end tests may use. Everything else is the hub's own (package.json "exports" names
// only this file, and scripts/check-imports.ts refuses deep imports).

export { proposeFromSnapshots } from './api/proposals.ts';
export { type BrokerConfig, type Hub, type HubOptions, startHub } from './app.ts';
export { EMITTER_CONCURRENCY, indexRetainedByTopic, type RetainedStore } from './broker/embedded.ts';
export { writeMosquittoFiles } from './cells/broker-files.ts';
export { enrollCell } from './cells/enroll.ts';
export { type CellStore, type Enrollment, openCellStore, withCellStore } from './cells/store.ts';
export { type HubDatabase, openHubDatabase } from './db/open.ts';
export {
  createSnapshotService,
  enrolledSisters,
  openSqliteSnapshotStore,
  openSqlSnapshotStore,
  type SnapshotStore,
  snapshotRoutes,
} from './snapshots/index.ts';
