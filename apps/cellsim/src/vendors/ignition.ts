import {
  counter,
  deviceChangedAt,
  extraIndexPath,
  profileTable,
  splitBracketed,
  type TagContext,
  type TagDef,
  type VendorProfile,
  wave,
} from './model.ts';

// Ignition 8.1's OPC UA server (Eclipse Milo) as seen by a client (research §5): device tags
// in ns=1 with NodeIds `[DeviceName]<driver address>`, under Objects/Devices/<DeviceName>.
// Each device folder also holds the driver's diagnostic tags Connected, State, Status,
// Hostname and Port; their NodeIds are not documented, here they are `[PLC1]Connected` etc.
// Namespace choice: the vendor namespace 'urn:inductiveautomation:ignition:opcua:tags' IS
// ns=1 (node-opcua's own server namespace is skipped), so `ns=1;s=[PLC1]DB1.Speed` holds.

const NAMESPACE = 'urn:inductiveautomation:ignition:opcua:tags';

const down = (ctx: TagContext): boolean => ctx.faults.has('device-not-communicating');

function diagnostics(device: string, host: string, port: number): TagDef[] {
  return [
    {
      path: `${device}Connected`,
      type: 'Boolean',
      role: 'diagnostic',
      compute: (ctx) => !down(ctx),
      timestamp: deviceChangedAt,
    },
    {
      path: `${device}State`,
      type: 'String',
      role: 'diagnostic',
      compute: (ctx) => (down(ctx) ? 'Disconnected' : 'Connected'),
    },
    {
      path: `${device}Status`,
      type: 'String',
      role: 'diagnostic',
      compute: (ctx) => (down(ctx) ? 'Faulted' : 'Connected'),
    },
    { path: `${device}Hostname`, type: 'String', role: 'diagnostic', value: host },
    { path: `${device}Port`, type: 'Int32', role: 'diagnostic', value: port },
  ];
}

const P1 = '[PLC1]';
const P2 = '[PLC2]';

const TAGS: TagDef[] = [
  ...diagnostics(P1, '192.168.10.21', 102),
  { path: `${P1}DB1.Speed`, type: 'Double', role: 'parameter', device: P1, value: 100 },
  { path: `${P1}DB1.Temperature`, type: 'Double', role: 'parameter', device: P1, value: 180.5 },
  { path: `${P1}DB1.Pressure`, type: 'Double', role: 'parameter', device: P1, value: 6.2 },
  { path: `${P1}DB1.CycleTimeMs`, type: 'Int32', role: 'parameter', device: P1, value: 1200 },
  { path: `${P1}DB1.Profile`, type: 'FloatArray', role: 'config', device: P1, compute: profileTable },
  { path: `${P1}DB2.ScanRateMs`, type: 'Int32', role: 'parameter', device: P1, value: 100 },
  { path: `${P1}DB2.Mode`, type: 'String', role: 'parameter', device: P1, value: 'Auto' },
  // a secret the snapshotter must redact
  { path: `${P1}DB2.Password`, type: 'String', role: 'parameter', device: P1, value: 'plc-s3cret!' },
  {
    path: `${P1}DB10.PartCount`,
    type: 'UInt32',
    role: 'process',
    device: P1,
    compute: counter(`${P1}DB1.CycleTimeMs`, 1200),
  },
  {
    path: `${P1}DB10.ActualSpeed`,
    type: 'Double',
    role: 'process',
    device: P1,
    compute: (ctx) => Number(ctx.parameter(`${P1}DB1.Speed`)) + wave(0, 1.5, 7)(ctx),
  },
  { path: `${P1}DB10.Running`, type: 'Boolean', role: 'process', device: P1, value: true },

  ...diagnostics(P2, '192.168.10.22', 502),
  { path: `${P2}HR100.SpeedSetpoint`, type: 'Double', role: 'parameter', device: P2, value: 50 },
  { path: `${P2}HR102.RampTimeS`, type: 'Double', role: 'parameter', device: P2, value: 2.5 },
  {
    path: `${P2}IR200.ActualFrequency`,
    type: 'Double',
    role: 'process',
    device: P2,
    compute: wave(50, 0.2, 5),
  },
];

/** `[PLC1]DB1.Speed` → parent `[PLC1]DB1`; `[PLC1]DB1` → `[PLC1]`; `[PLC1]` → `Devices`. */
export const splitIgnition = splitBracketed('Devices');

export const ignition: VendorProfile = {
  resourcePath: '',
  defaultPort: 62541,
  maxSessions: undefined,
  namespaceUri: NAMESPACE,
  vendorNamespaceIsServerNamespace: true,
  applicationUri: (name) => `urn:inductiveautomation:ignition:opcua:${name}`,
  applicationName: (name) => `Ignition OPC UA Server (${name})`,
  buildInfo: {
    productName: 'Ignition OPC UA Server',
    productUri: 'https://inductiveautomation.com',
    manufacturerName: 'Inductive Automation',
    softwareVersion: '8.1.44',
    buildNumber: 'b2024110513',
  },
  buildNumberFor: () => 'b2024110513',
  split: splitIgnition,
  folderDescriptions: { [P1]: 'Siemens S7-1500', [P2]: 'Modbus TCP' },
  tags: TAGS,
  extraPath: (i) => extraIndexPath(`${P1}Extra`, i),
  cycle: [`${P1}DB2`, P1],
  largeTag: `${P1}DB1.Profile`,
};
