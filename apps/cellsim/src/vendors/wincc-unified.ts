import {
  counter,
  extraIndexPath,
  profileTable,
  splitDotted,
  type TagContext,
  type TagDef,
  type VendorProfile,
  wave,
} from './model.ts';

// Siemens WinCC Unified PC Runtime as its OPC UA server. From research (vendors.md §3.1): port
// 4890, endpoint opc.tcp://[HostName]:[Port] without a path, 100 sessions by default, tags of
// type HMISimpleTagType under HMI connections (HMIConnectionType). Emulation choices: the
// BuildInfo strings and URIs (not found), plain folders instead of the Siemens types, tag names.
// Unified documents no connection health item: a connection down shows as Bad tag quality.

const C1 = 'HMI_Connection_1';

const TAGS: TagDef[] = [
  { path: `${C1}.Recipe_Speed`, type: 'Double', role: 'parameter', device: C1, value: 100 },
  { path: `${C1}.Recipe_Temperature`, type: 'Double', role: 'parameter', device: C1, value: 180.5 },
  { path: `${C1}.Recipe_Pressure`, type: 'Double', role: 'parameter', device: C1, value: 6.2 },
  { path: `${C1}.Recipe_CycleTimeMs`, type: 'Int32', role: 'parameter', device: C1, value: 1200 },
  { path: `${C1}.Recipe_Profile`, type: 'FloatArray', role: 'config', device: C1, compute: profileTable },
  { path: `${C1}.Config_Mode`, type: 'String', role: 'parameter', device: C1, value: 'Auto' },
  { path: `${C1}.Config_Password`, type: 'String', role: 'parameter', device: C1, value: 'plc-s3cret!' },
  {
    path: `${C1}.Process_PartCount`,
    type: 'UInt32',
    role: 'process',
    device: C1,
    compute: counter(`${C1}.Recipe_CycleTimeMs`, 1200),
  },
  {
    path: `${C1}.Process_ActualSpeed`,
    type: 'Double',
    role: 'process',
    device: C1,
    compute: (ctx: TagContext) => Number(ctx.parameter(`${C1}.Recipe_Speed`)) + wave(0, 1.5, 7)(ctx),
  },
];

export const winccUnified: VendorProfile = {
  resourcePath: '',
  defaultPort: 4890,
  maxSessions: 100,
  namespaceUri: 'urn:cellsim:wincc-unified:tags',
  vendorNamespaceIsServerNamespace: false,
  applicationUri: (name) => `urn:${name}:cellsim:wincc-unified`,
  applicationName: (name) => `WinCC Unified Runtime (${name})`,
  buildInfo: {
    productName: 'WinCC Unified Runtime',
    productUri: 'urn:cellsim:wincc-unified',
    manufacturerName: 'Siemens AG',
    softwareVersion: 'V19',
    buildNumber: '19.0.0.0',
  },
  buildNumberFor: (version) => `${version}.0.0`,
  split: splitDotted,
  folderDescriptions: { [C1]: 'S7-1500 connection' },
  tags: TAGS,
  extraPath: (i) => extraIndexPath(`${C1}.Extra`, i),
  cycle: [C1, C1],
  largeTag: `${C1}.Recipe_Profile`,
};
