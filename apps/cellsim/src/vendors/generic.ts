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

// A PLC with an embedded OPC UA server: namespace 'urn:acme:plc' at ns=2, dotted string
// NodeIds under Objects/PLC. The "device" that can stop communicating is its fieldbus I/O:
// process values go Bad, the PLC's own parameters stay readable.

const IO = 'PLC.Process';
const down = (ctx: TagContext): boolean => ctx.faults.has('device-not-communicating');

const TAGS: TagDef[] = [
  { path: 'PLC.Recipe.Speed', type: 'Double', role: 'parameter', value: 100 },
  { path: 'PLC.Recipe.Temperature', type: 'Double', role: 'parameter', value: 180.5 },
  { path: 'PLC.Recipe.CycleTimeMs', type: 'Int32', role: 'parameter', value: 1200 },
  { path: 'PLC.Recipe.Profile', type: 'FloatArray', role: 'config', compute: profileTable },
  { path: 'PLC.Config.ScanRateMs', type: 'Int32', role: 'parameter', value: 100 },
  { path: 'PLC.Config.Mode', type: 'String', role: 'parameter', value: 'Auto' },
  {
    path: 'PLC.Process.PartCount',
    type: 'UInt32',
    role: 'process',
    device: IO,
    compute: counter('PLC.Recipe.CycleTimeMs', 1200),
  },
  {
    path: 'PLC.Process.ActualSpeed',
    type: 'Double',
    role: 'process',
    device: IO,
    compute: (ctx) => Number(ctx.parameter('PLC.Recipe.Speed')) + wave(0, 1.5, 7)(ctx),
  },
  {
    path: 'PLC.Diagnostics.FieldbusOk',
    type: 'Boolean',
    role: 'diagnostic',
    compute: (ctx) => !down(ctx),
    timestamp: deviceChangedAt,
  },
  { path: 'PLC.Diagnostics.CpuLoad', type: 'Double', role: 'diagnostic', compute: wave(35, 5, 11) },
];

export const generic: VendorProfile = {
  resourcePath: '',
  defaultPort: 4840,
  maxSessions: undefined,
  namespaceUri: 'urn:acme:plc',
  vendorNamespaceIsServerNamespace: false,
  applicationUri: (name) => `urn:acme:plc:${name}`,
  applicationName: (name) => `Acme PLC ${name}`,
  buildInfo: {
    productName: 'Generic PLC OPC UA Server',
    productUri: 'urn:acme:plc',
    manufacturerName: 'Acme PLC',
    softwareVersion: '2.4.0',
    buildNumber: '2.4.0-1187',
  },
  buildNumberFor: (version) => `${version}-1187`,
  split: splitDotted,
  folderDescriptions: { PLC: 'Acme PLC CPU 1516' },
  tags: TAGS,
  extraPath: (i) => extraIndexPath('PLC.Extra', i),
  cycle: ['PLC.Config', 'PLC'],
  largeTag: 'PLC.Recipe.Profile',
};
