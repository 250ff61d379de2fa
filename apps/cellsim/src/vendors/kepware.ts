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

// Kepware KEPServerEX 6 as seen over OPC UA (research §4): namespace URI 'KEPServerEX' at
// ns=2 (ns=1 is the server URI), string NodeIds equal to the dotted tag path, a server-level
// `_System` folder and a hidden `_System` group per device.

const D1 = 'Channel1.Device1';
const D2 = 'Channel2.Device1';

const down = (ctx: TagContext): boolean => ctx.faults.has('device-not-communicating');

// Kepware formats _DateTime as an ISO-like string without zone (UTC): 2024-03-01T12:00:00.000
const isoNoZone = (ctx: TagContext): string => ctx.now().toISOString().replace('Z', '');

function deviceSystemTags(device: string): TagDef[] {
  const s = `${device}._System`;
  return [
    // KB 2008 / CS294815: _Error 1 = communication failure, _NoError its inverse
    { path: `${s}._Error`, type: 'Boolean', role: 'diagnostic', compute: down, timestamp: deviceChangedAt },
    { path: `${s}._NoError`, type: 'Boolean', role: 'diagnostic', compute: (ctx) => !down(ctx) },
    { path: `${s}._Enabled`, type: 'Boolean', role: 'parameter', value: true },
    { path: `${s}._Simulated`, type: 'Boolean', role: 'diagnostic', value: false },
    {
      path: `${s}._SecondsInError`,
      type: 'UInt32',
      role: 'diagnostic',
      compute: (ctx) => Math.floor((ctx.faultAgeMs('device-not-communicating') ?? 0) / 1000),
    },
  ];
}

const TAGS: TagDef[] = [
  { path: '_System._ProductName', type: 'String', role: 'diagnostic', value: 'KEPServerEX' },
  { path: '_System._ProductVersion', type: 'String', role: 'diagnostic', compute: (ctx) => ctx.buildNumber },
  { path: '_System._DateTime', type: 'String', role: 'diagnostic', compute: isoNoZone },
  {
    path: '_System._Date',
    type: 'String',
    role: 'diagnostic',
    compute: (ctx) => isoNoZone(ctx).slice(0, 10),
  },
  {
    path: '_System._Time',
    type: 'String',
    role: 'diagnostic',
    compute: (ctx) => isoNoZone(ctx).slice(11, 19),
  },
  { path: '_System._ClientCount', type: 'UInt32', role: 'diagnostic', compute: (ctx) => ctx.sessionCount() },
  {
    path: '_System._ProjectName',
    type: 'String',
    role: 'diagnostic',
    compute: (ctx) => `${ctx.cellName}.opf`,
  },
  { path: '_System._ActiveTagCount', type: 'UInt32', role: 'diagnostic', value: 24 },

  { path: `${D1}.Recipe.Speed`, type: 'Double', role: 'parameter', device: D1, value: 100 },
  { path: `${D1}.Recipe.Temperature`, type: 'Double', role: 'parameter', device: D1, value: 180.5 },
  { path: `${D1}.Recipe.Pressure`, type: 'Double', role: 'parameter', device: D1, value: 6.2 },
  { path: `${D1}.Recipe.CycleTimeMs`, type: 'Int32', role: 'parameter', device: D1, value: 1200 },
  { path: `${D1}.Recipe.Profile`, type: 'FloatArray', role: 'config', device: D1, compute: profileTable },
  { path: `${D1}.Config.ScanRateMs`, type: 'Int32', role: 'parameter', device: D1, value: 100 },
  { path: `${D1}.Config.Mode`, type: 'String', role: 'parameter', device: D1, value: 'Auto' },
  // a secret the snapshotter must redact
  { path: `${D1}.Config.Password`, type: 'String', role: 'parameter', device: D1, value: 'plc-s3cret!' },
  { path: `${D1}.Config.IPAddress`, type: 'String', role: 'parameter', device: D1, value: '192.168.10.21' },
  {
    path: `${D1}.Counters.PartCount`,
    type: 'UInt32',
    role: 'process',
    device: D1,
    compute: counter(`${D1}.Recipe.CycleTimeMs`, 1200),
  },
  { path: `${D1}.Counters.RejectCount`, type: 'UInt32', role: 'process', device: D1, value: 3 },
  {
    path: `${D1}.Process.ActualSpeed`,
    type: 'Double',
    role: 'process',
    device: D1,
    compute: (ctx) => Number(ctx.parameter(`${D1}.Recipe.Speed`)) + wave(0, 1.5, 7)(ctx),
  },
  {
    path: `${D1}.Process.ActualTemperature`,
    type: 'Double',
    role: 'process',
    device: D1,
    compute: (ctx) => Number(ctx.parameter(`${D1}.Recipe.Temperature`)) + wave(0, 0.8, 23)(ctx),
  },
  { path: `${D1}.Process.Running`, type: 'Boolean', role: 'process', device: D1, value: true },
  ...deviceSystemTags(D1),

  { path: `${D2}.Drive.SpeedSetpoint`, type: 'Double', role: 'parameter', device: D2, value: 50 },
  { path: `${D2}.Drive.RampTimeS`, type: 'Double', role: 'parameter', device: D2, value: 2.5 },
  {
    path: `${D2}.Drive.ActualFrequency`,
    type: 'Double',
    role: 'process',
    device: D2,
    compute: wave(50, 0.2, 5),
  },
  ...deviceSystemTags(D2),
];

export const kepware: VendorProfile = {
  resourcePath: '',
  defaultPort: 49320,
  maxSessions: undefined,
  namespaceUri: 'KEPServerEX',
  vendorNamespaceIsServerNamespace: false,
  // KEPServerEX's own URI has the host name and a URL-encoded space: urn:HOST:Kepware.KEPServerEX.V6:UA%20Server
  applicationUri: (name) => `urn:${name}:Kepware.KEPServerEX.V6:UA%20Server`,
  applicationName: (name) => `KEPServerEX/UA@${name}`,
  buildInfo: {
    productName: 'KEPServerEX/UA Server',
    productUri: 'urn:Kepware.KEPServerEX.V6',
    manufacturerName: 'PTC',
    softwareVersion: '6.16.1',
    buildNumber: '6.16.1.216',
  },
  buildNumberFor: (version) => `${version}.216`,
  split: splitDotted,
  folderDescriptions: {
    Channel1: 'Press',
    [D1]: 'PLC1',
    Channel2: 'Conveyor',
    [D2]: 'VFD1',
  },
  tags: TAGS,
  extraPath: (i) => extraIndexPath(`${D1}.Extra`, i),
  cycle: [`${D1}.Config`, D1],
  largeTag: `${D1}.Recipe.Profile`,
};
