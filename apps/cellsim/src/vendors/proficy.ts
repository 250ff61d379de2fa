import {
  extraIndexPath,
  lineTags,
  splitDotted,
  type TagContext,
  type TagDef,
  type VendorProfile,
} from './model.ts';

// GE Vernova's OPC UA Server for iFIX on a SCADA node that also runs a Proficy Historian
// collector. From research (vendors.md §4.3): the collector's iFIX blocks HIST_STATUS.A_CV
// (Running/Stopped), HIST_RATE.F_CV (events/min) and HIST_HEARTBEAT.F_CV, which the collector
// writes once a minute (a stale heartbeat = a dead collector). Emulation choices: port, URIs and
// BuildInfo (not found), blocks as folders with their fields (SCADA1/HIST_STATUS/A_CV).

const NODE = 'SCADA1';
const IO = `${NODE}.IO`;
const MINUTE = 60_000;
const down = (ctx: TagContext): boolean => ctx.faults.has('device-not-communicating');

/**
 * The collector's last heartbeat: the last whole minute of uptime while it runs. Under the fault
 * it is dated ten minutes before the fault was switched on, as if the collector had died then,
 * so a probe right after the switch already sees a stale heartbeat.
 */
function lastBeat(ctx: TagContext): Date {
  if (down(ctx)) return new Date(ctx.faultChangedAt('device-not-communicating') - 10 * MINUTE);
  const now = Date.now();
  return new Date(now - (ctx.uptimeMs() % MINUTE));
}

const TAGS: TagDef[] = [
  {
    path: `${NODE}.HIST_STATUS.A_CV`,
    type: 'String',
    role: 'diagnostic',
    compute: (ctx) => (down(ctx) ? 'Stopped' : 'Running'),
    timestamp: lastBeat,
  },
  { path: `${NODE}.HIST_HEARTBEAT.F_CV`, type: 'Double', role: 'diagnostic', value: 1, timestamp: lastBeat },
  {
    path: `${NODE}.HIST_RATE.F_CV`,
    type: 'Double',
    role: 'diagnostic',
    compute: (ctx) => (down(ctx) ? 0 : 120),
  },
  ...lineTags(
    {
      speed: `${NODE}.SPEED_SP.F_CV`,
      temperature: `${NODE}.TEMP_SP.F_CV`,
      cycleTimeMs: `${NODE}.CYCLE_MS.F_CV`,
      profile: `${NODE}.PROFILE.F_CV`,
      mode: `${NODE}.MODE.A_CV`,
      password: `${NODE}.PLC_PASSWORD.A_CV`,
      partCount: `${NODE}.PART_COUNT.F_CV`,
      actualSpeed: `${NODE}.SPEED_PV.F_CV`,
    },
    IO,
  ),
];

export const proficy: VendorProfile = {
  resourcePath: '',
  defaultPort: undefined,
  maxSessions: undefined,
  namespaceUri: 'urn:cellsim:ifix:blocks',
  vendorNamespaceIsServerNamespace: false,
  applicationUri: (name) => `urn:${name}:cellsim:ifix`,
  applicationName: (name) => `OPC UA Server for iFIX (${name})`,
  buildInfo: {
    productName: 'OPC UA Server for iFIX',
    productUri: 'urn:cellsim:ifix',
    manufacturerName: 'GE Vernova',
    softwareVersion: '2024',
    buildNumber: '2024.0.1',
  },
  buildNumberFor: (version) => `${version}.0.1`,
  split: splitDotted,
  folderDescriptions: { [NODE]: 'iFIX SCADA node with a Historian collector' },
  tags: TAGS,
  extraPath: (i) => extraIndexPath(`${NODE}.EXTRA`, i),
  cycle: [`${NODE}.MODE`, NODE],
  largeTag: `${NODE}.PROFILE.F_CV`,
};
