import {
  deviceChangedAt,
  extraIndexPath,
  lineTags,
  splitDotted,
  type TagContext,
  type TagDef,
  type VendorProfile,
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
  ...lineTags(
    {
      speed: `${DEV}.Recipe.Speed`,
      temperature: `${DEV}.Recipe.Temperature`,
      cycleTimeMs: `${DEV}.Recipe.CycleTimeMs`,
      profile: `${DEV}.Recipe.Profile`,
      mode: `${DEV}.Config.Mode`,
      password: `${DEV}.Config.Password`,
      partCount: `${DEV}.Process.PartCount`,
      actualSpeed: `${DEV}.Process.ActualSpeed`,
    },
    DEV,
  ),
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
