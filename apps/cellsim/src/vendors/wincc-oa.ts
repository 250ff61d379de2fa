import {
  deviceChangedAt,
  extraIndexPath,
  lineTags,
  splitDotted,
  type TagContext,
  type TagDef,
  type VendorProfile,
} from './model.ts';

// Siemens WinCC OA's OPC UA Server manager. From research (vendors.md §3.2): port 4840, 50
// clients, and the uniform driver state Common.State.ConnState on each connection data point
// (1 Not Connected, 5 Failure, 256 Connected; 3.19+). Emulation choices: BuildInfo, URIs, and
// data points exposed as folders by element (PLC1.Common.State.ConnState, Press1.Recipe.Speed).

const CONN = 'PLC1';
const DP = 'Press1';
const down = (ctx: TagContext): boolean => ctx.faults.has('device-not-communicating');

const TAGS: TagDef[] = [
  {
    path: `${CONN}.Common.State.ConnState`,
    type: 'Int32',
    role: 'diagnostic',
    compute: (ctx) => (down(ctx) ? 1 : 256),
    timestamp: deviceChangedAt,
  },
  ...lineTags(
    {
      speed: `${DP}.Recipe.Speed`,
      temperature: `${DP}.Recipe.Temperature`,
      cycleTimeMs: `${DP}.Recipe.CycleTimeMs`,
      profile: `${DP}.Recipe.Profile`,
      mode: `${DP}.Config.Mode`,
      password: `${DP}.Config.Password`,
      partCount: `${DP}.Process.PartCount`,
      actualSpeed: `${DP}.Process.ActualSpeed`,
    },
    CONN,
  ),
];

export const winccOa: VendorProfile = {
  resourcePath: '',
  defaultPort: 4840,
  maxSessions: 50,
  namespaceUri: 'urn:cellsim:wincc-oa:dp',
  vendorNamespaceIsServerNamespace: false,
  applicationUri: (name) => `urn:${name}:cellsim:wincc-oa`,
  applicationName: (name) => `WinCC OA OPC UA Server (${name})`,
  buildInfo: {
    productName: 'WinCC OA OPC UA Server',
    productUri: 'urn:cellsim:wincc-oa',
    manufacturerName: 'ETM professional control GmbH',
    softwareVersion: '3.19',
    buildNumber: '3.19.10',
  },
  buildNumberFor: (version) => `${version}.10`,
  split: splitDotted,
  folderDescriptions: { [CONN]: '_S7PlusConnection', [DP]: 'Press data point' },
  tags: TAGS,
  extraPath: (i) => extraIndexPath(`${DP}.Extra`, i),
  cycle: [`${DP}.Config`, DP],
  largeTag: `${DP}.Recipe.Profile`,
};
