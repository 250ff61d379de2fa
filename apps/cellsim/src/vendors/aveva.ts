import {
  counter,
  deviceChangedAt,
  extraIndexPath,
  profileTable,
  splitDotted,
  type TagContext,
  type TagDef,
  type VendorProfile,
  wave,
} from './model.ts';

// An AVEVA OI Server (ABCIP driver) seen over OPC UA. From research (vendors.md §2.2): the
// $SYS$ system items per device — $SYS$Status (1 intact, 0 error), $SYS$ErrorCode (< 0 error),
// $SYS$ErrorText — and a root-level $SYS$Status that always reads good. Emulation choices:
// whether an OI Server serves OPC UA at all, its port, URIs and BuildInfo are not documented
// (vendors.md §2.1, §7.4); the hierarchy driver → device follows OI Server Manager's tree.

const DEV = 'ABCIP.PLC1';
const down = (ctx: TagContext): boolean => ctx.faults.has('device-not-communicating');

const TAGS: TagDef[] = [
  { path: 'ABCIP.$SYS$Status', type: 'Boolean', role: 'diagnostic', value: true },
  { path: 'ABCIP.$SYS$ErrorCode', type: 'Int32', role: 'diagnostic', value: 0 },
  {
    path: `${DEV}.$SYS$Status`,
    type: 'Boolean',
    role: 'diagnostic',
    compute: (ctx) => !down(ctx),
    timestamp: deviceChangedAt,
  },
  {
    path: `${DEV}.$SYS$ErrorCode`,
    type: 'Int32',
    role: 'diagnostic',
    compute: (ctx) => (down(ctx) ? -1 : 0),
    timestamp: deviceChangedAt,
  },
  {
    path: `${DEV}.$SYS$ErrorText`,
    type: 'String',
    role: 'diagnostic',
    compute: (ctx) => (down(ctx) ? 'PLC1: no response from 192.168.10.21 (cellsim)' : ''),
  },
  { path: `${DEV}.Recipe.Speed`, type: 'Double', role: 'parameter', device: DEV, value: 100 },
  { path: `${DEV}.Recipe.Temperature`, type: 'Double', role: 'parameter', device: DEV, value: 180.5 },
  { path: `${DEV}.Recipe.CycleTimeMs`, type: 'Int32', role: 'parameter', device: DEV, value: 1200 },
  { path: `${DEV}.Recipe.Profile`, type: 'FloatArray', role: 'config', device: DEV, compute: profileTable },
  { path: `${DEV}.Config.Mode`, type: 'String', role: 'parameter', device: DEV, value: 'Auto' },
  { path: `${DEV}.Config.Password`, type: 'String', role: 'parameter', device: DEV, value: 'plc-s3cret!' },
  {
    path: `${DEV}.Process.PartCount`,
    type: 'UInt32',
    role: 'process',
    device: DEV,
    compute: counter(`${DEV}.Recipe.CycleTimeMs`, 1200),
  },
  {
    path: `${DEV}.Process.ActualSpeed`,
    type: 'Double',
    role: 'process',
    device: DEV,
    compute: (ctx) => Number(ctx.parameter(`${DEV}.Recipe.Speed`)) + wave(0, 1.5, 7)(ctx),
  },
];

export const aveva: VendorProfile = {
  resourcePath: '',
  defaultPort: undefined,
  maxSessions: undefined,
  namespaceUri: 'urn:cellsim:aveva-oi-server:items',
  vendorNamespaceIsServerNamespace: false,
  applicationUri: (name) => `urn:${name}:cellsim:oi-server`,
  applicationName: (name) => `AVEVA OI Server (${name})`,
  buildInfo: {
    productName: 'AVEVA OI Server',
    productUri: 'urn:cellsim:oi-server',
    manufacturerName: 'AVEVA',
    softwareVersion: '2023 R2',
    buildNumber: '2023.2.0',
  },
  buildNumberFor: (version) => version,
  split: splitDotted,
  folderDescriptions: { ABCIP: 'OI.ABCIP driver', [DEV]: 'ControlLogix device group' },
  tags: TAGS,
  extraPath: (i) => extraIndexPath(`${DEV}.Extra`, i),
  cycle: [`${DEV}.Config`, DEV],
  largeTag: `${DEV}.Recipe.Profile`,
};
