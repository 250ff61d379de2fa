// @cellfleet/hub's public surface: what the demo, the fleet simulator, the benchmarks and the
// end-to-end tests may use. Everything else is the hub's own (package.json "exports" names
// only this file, and scripts/check-imports.ts refuses deep imports).

export type { HubConfig } from '@cellfleet/protocol';
export { proposeFromSnapshots } from './actions/proposals.ts';
export { EMITTER_CONCURRENCY, indexRetainedByTopic, type RetainedStore } from './broker/embedded.ts';
export { writeMosquittoFiles } from './cells/broker-files.ts';
export { enrollCell } from './cells/enroll.ts';
export { type CellStore, type Enrollment, openCellStore, withCellStore } from './cells/store.ts';
export { type HubDatabase, openHubDatabase } from './db/open.ts';
export { buildHub, type Hub, type HubDeps, startHub } from './hub.ts';
export { INGEST_BATCH } from './ingest/pipeline.ts';
export {
  createSisterTally,
  createSnapshotService,
  enrolledSisters,
  openSqlSnapshotStore,
  type SisterDirectory,
} from './snapshots/index.ts';
