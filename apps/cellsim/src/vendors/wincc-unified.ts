import { extraIndexPath, lineTags, splitDotted, type TagDef, type VendorProfile } from './model.ts';

// Siemens WinCC Unified PC Runtime as its OPC UA server. From research (vendors.md §3.1): port
// 4890, endpoint opc.tcp://[HostName]:[Port] without a path, 100 sessions by default, tags of
// type HMISimpleTagType under HMI connections (HMIConnectionType). Emulation choices: the
// BuildInfo strings and URIs (not found), plain folders instead of the Siemens types, tag names.
// Unified documents no connection health item: a connection down shows as Bad tag quality.

const C1 = 'HMI_Connection_1';

const TAGS: TagDef[] = [
  ...lineTags(
    {
      speed: `${C1}.Recipe_Speed`,
      temperature: `${C1}.Recipe_Temperature`,
      pressure: `${C1}.Recipe_Pressure`,
      cycleTimeMs: `${C1}.Recipe_CycleTimeMs`,
      profile: `${C1}.Recipe_Profile`,
      mode: `${C1}.Config_Mode`,
      password: `${C1}.Config_Password`,
      partCount: `${C1}.Process_PartCount`,
      actualSpeed: `${C1}.Process_ActualSpeed`,
    },
    C1,
  ),
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
