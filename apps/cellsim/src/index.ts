// @cellfleet/cellsim: emulated OPC UA cells (Kepware-, Ignition- and PLC-like servers) with
// switchable faults, for the end-to-end tests, the diagnosis fault matrix and the demo.
export { startCell } from './cell.ts';
export { FAULT_CATALOGUE, FAULTS, isFault } from './faults.ts';
export {
  type KepwareApiFault,
  type KepwareConfigApi,
  type KepwareLogEntry,
  startKepwareConfigApi,
} from './kepware-api.ts';
export { routeLibraryLogs } from './library-logs.ts';
export type { CellKind, CellOptions, Fault, ParameterValue, RunningCell } from './types.ts';
export { CELL_KINDS } from './types.ts';
