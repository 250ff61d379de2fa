import { extraIndexPath, lineTags, splitBracketed, type TagDef, type VendorProfile, wave } from './model.ts';

// Rockwell FactoryTalk Linx Gateway 6.50 as a third-party client sees it. From research
// (vendors.md §1.1–1.2): endpoint opc.tcp://<host>:4990/FactoryTalkLinxGateway1, node ids
// `ns=2;s=[<Shortcut>]<Tag>` (Logix tags: `Program:MainProgram.Tag`, structure members after a
// dot), and a certificate URI `urn:<HOST>:FactoryTalk Linx Gateway OPC UA Server` with its spaces
// unencoded (the Bad_CertificateUriInvalid pitfall of Milo clients). Emulation choices, not
// captured from a real install: the namespace URI, BuildInfo strings and the shortcuts' tags.
// The gateway documents no device health item, so only tag quality tells a shortcut is down.

const S1 = '[PLC1]';
const S2 = '[PLC2]';
const MAIN = `${S1}Program:MainProgram`;

const TAGS: TagDef[] = [
  ...lineTags(
    {
      speed: `${S1}Recipe.Speed`,
      temperature: `${S1}Recipe.Temperature`,
      pressure: `${S1}Recipe.Pressure`,
      cycleTimeMs: `${S1}Recipe.CycleTimeMs`,
      profile: `${S1}Recipe.Profile`,
      mode: `${S1}Config.Mode`,
      password: `${S1}Config.Password`,
      partCount: `${MAIN}.PartCount`,
      actualSpeed: `${MAIN}.ActualSpeed`,
    },
    S1,
  ),
  { path: `${S1}Config.ScanRateMs`, type: 'Int32', role: 'parameter', device: S1, value: 100 },
  { path: `${MAIN}.Running`, type: 'Boolean', role: 'process', device: S1, value: true },
  { path: `${S2}Drive.SpeedSetpoint`, type: 'Double', role: 'parameter', device: S2, value: 50 },
  { path: `${S2}Drive.RampTimeS`, type: 'Double', role: 'parameter', device: S2, value: 2.5 },
  {
    path: `${S2}Drive.ActualFrequency`,
    type: 'Double',
    role: 'process',
    device: S2,
    compute: wave(50, 0.2, 5),
  },
];

export const factorytalk: VendorProfile = {
  resourcePath: '/FactoryTalkLinxGateway1',
  defaultPort: 4990,
  maxSessions: undefined,
  namespaceUri: 'urn:cellsim:ftlg:tags',
  vendorNamespaceIsServerNamespace: false,
  applicationUri: (name) => `urn:${name}:FactoryTalk Linx Gateway OPC UA Server`,
  applicationName: (name) => `FactoryTalk Linx Gateway (${name})`,
  buildInfo: {
    productName: 'FactoryTalk Linx Gateway',
    productUri: 'urn:cellsim:ftlg',
    manufacturerName: 'Rockwell Automation',
    softwareVersion: '6.50.00',
    buildNumber: '6.50.00.1101',
  },
  buildNumberFor: (version) => `${version}.1101`,
  split: splitBracketed(''),
  folderDescriptions: { [S1]: 'ControlLogix 5580 (shortcut PLC1)', [S2]: 'PowerFlex 755 (shortcut PLC2)' },
  tags: TAGS,
  extraPath: (i) => extraIndexPath(`${S1}Extra`, i),
  cycle: [`${S1}Config`, S1],
  largeTag: `${S1}Recipe.Profile`,
};
