// Vendor detection, table-driven: each clue on its own (BuildInfo, certificate, URIs, address
// space, port, path, endpoint name, version), then conflicting evidence and the --vendor override.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectPlatform, detectVendor } from './detect.ts';
import type { ProbeEvidence } from './evidence.ts';
import { cert, failedAt, healthy } from './fixtures.test-support.ts';

/** A probe that stopped at TCP on a port no profile knows: nothing names the server yet. */
const bare = (over: Partial<ProbeEvidence> = {}): ProbeEvidence =>
  failedAt(
    'tcp',
    { message: 'connect ECONNREFUSED' },
    {
      url: 'opc.tcp://10.0.0.5:4841',
      port: 4841,
      server: {},
      serverCertificate: undefined as never,
      ...over,
    },
  );

const info = (manufacturerName: string, productName: string, softwareVersion = '1.0') => ({
  buildInfo: { manufacturerName, productName, softwareVersion, buildNumber: '1' },
});

interface Case {
  readonly name: string;
  readonly ev: ProbeEvidence;
  readonly hint?: string;
  readonly vendor: string;
  readonly product?: string;
  readonly confidence: 'high' | 'medium' | 'low';
  /** Words the one-line reason must contain. */
  readonly why?: RegExp;
  readonly conflicts?: number;
}

const CASES: readonly Case[] = [
  { name: 'nothing known', ev: bare(), vendor: 'generic', confidence: 'low' },
  {
    name: 'BuildInfo: Kepware',
    ev: healthy(),
    vendor: 'kepware',
    product: 'kepserverex',
    confidence: 'high',
    why: /PTC|KEPServerEX/,
  },
  {
    name: 'BuildInfo: Kepware Edge names its product line',
    ev: healthy(info('PTC', 'Kepware Edge')),
    vendor: 'kepware',
    product: 'kepware-edge',
    confidence: 'high',
  },
  {
    name: 'BuildInfo + version: Ignition 8.3',
    ev: healthy({ ...info('Inductive Automation', 'Ignition OPC UA Server', '8.3.1'), port: 62541 }),
    vendor: 'ignition',
    product: 'ignition-83',
    confidence: 'high',
  },
  {
    name: 'certificate URI only: FactoryTalk Linx Gateway (spaces and all)',
    ev: bare({
      serverCertificate: cert({ applicationUri: 'urn:GW01:FactoryTalk Linx Gateway OPC UA Server' }),
    }),
    vendor: 'rockwell',
    product: 'ftlg',
    confidence: 'high',
    why: /server certificate URI/,
  },
  {
    name: 'applicationUri: WinCC OA (its documented URI fragment)',
    ev: bare({ server: { applicationUri: 'urn:scada1:ETMpc:WinCC_OA_Client' } }),
    vendor: 'siemens',
    product: 'wincc-oa',
    confidence: 'high',
  },
  {
    name: 'application name: AVEVA OI Server',
    ev: bare({ server: { applicationName: 'AVEVA OI Server (node7)' } }),
    vendor: 'aveva',
    product: 'oi-server',
    confidence: 'high',
  },
  {
    name: 'address space: AVEVA $SYS$ items, the server names itself nothing useful',
    ev: healthy({
      ...info('Acme', 'UA Server'),
      deviceHealth: [
        { source: 'aveva-sys-status', node: 'ABCIP/PLC1/$SYS$Status', status: 'Good', bad: false },
      ],
    }),
    vendor: 'aveva',
    confidence: 'high',
    why: /address space has AVEVA \$SYS\$Status/,
  },
  {
    name: 'namespace: Kepware',
    ev: bare({ namespaces: ['http://opcfoundation.org/UA/', 'KEPServerEX'] }),
    vendor: 'kepware',
    confidence: 'high',
  },
  {
    name: 'URL path: FactoryTalk Linx Gateway before any answer',
    ev: bare({ url: 'opc.tcp://gw:4841/FactoryTalkLinxGateway1' }),
    vendor: 'rockwell',
    product: 'ftlg',
    confidence: 'medium',
    why: /URL path \/FactoryTalkLinxGateway1/,
  },
  {
    name: 'endpoint name: wincc-unified',
    ev: bare({ endpointName: 'line4-wincc-unified' }),
    vendor: 'siemens',
    product: 'wincc-unified',
    confidence: 'medium',
    why: /endpoint name/,
  },
  {
    name: 'port 4890: WinCC Unified (documented default)',
    ev: bare({ port: 4890, url: 'opc.tcp://hmi:4890' }),
    vendor: 'siemens',
    product: 'wincc-unified',
    confidence: 'low',
    why: /port 4890 is WinCC Unified's default$/,
  },
  {
    name: 'port 4840: WinCC OA, marked as a guess',
    ev: bare({ port: 4840, url: 'opc.tcp://plc:4840' }),
    vendor: 'siemens',
    product: 'wincc-oa',
    confidence: 'low',
    why: /a guess/,
  },
  {
    name: 'port 4990: FactoryTalk Linx Gateway, a guess (single-sourced)',
    ev: bare({ port: 4990, url: 'opc.tcp://gw:4990' }),
    vendor: 'rockwell',
    confidence: 'low',
    why: /a guess/,
  },
  {
    name: 'port 48032: AVEVA PI OPC UA Server',
    ev: bare({ port: 48032, url: 'opc.tcp://pi:48032/' }),
    vendor: 'aveva',
    product: 'pi-opcua',
    confidence: 'low',
  },
  {
    name: 'a server that named itself, on port 4840, is not made WinCC OA by its port',
    ev: healthy({ ...info('Acme PLC', 'Generic PLC OPC UA Server'), port: 4840, server: {}, namespaces: [] }),
    vendor: 'generic',
    confidence: 'medium',
    why: /Generic PLC OPC UA Server/,
  },
  {
    name: 'conflict: port 49320 says Kepware, BuildInfo says WinCC Unified — the server wins',
    ev: healthy({ ...info('Siemens AG', 'WinCC Unified Runtime'), port: 49320, server: {}, namespaces: [] }),
    vendor: 'siemens',
    product: 'wincc-unified',
    confidence: 'high',
    conflicts: 1,
  },
  {
    name: 'conflict: endpoint name says kepware, the certificate says FactoryTalk',
    ev: bare({
      endpointName: 'kepware',
      serverCertificate: cert({ applicationUri: 'urn:GW:FactoryTalk Linx Gateway OPC UA Server' }),
    }),
    vendor: 'rockwell',
    confidence: 'high',
    conflicts: 1,
  },
  {
    name: 'conflict: path says FactoryTalk, port says WinCC Unified — the path wins',
    ev: bare({ port: 4890, url: 'opc.tcp://gw:4890/FactoryTalkLinxGateway1' }),
    vendor: 'rockwell',
    confidence: 'medium',
    conflicts: 1,
  },
  {
    name: '--vendor overrides the evidence',
    ev: healthy(),
    hint: 'siemens',
    vendor: 'siemens',
    confidence: 'high',
    why: /--vendor siemens/,
    conflicts: 1,
  },
  {
    name: '--vendor with a product id picks the product line',
    ev: bare(),
    hint: 'historian',
    vendor: 'ge',
    product: 'historian',
    confidence: 'high',
  },
];

for (const c of CASES) {
  test(`detect: ${c.name}`, () => {
    const d = detectPlatform(c.ev, c.hint);
    assert.equal(d.vendor, c.vendor, `${d.why} / ${d.evidence.join(' | ')}`);
    assert.equal(d.product, c.product ?? d.product);
    if (c.product === undefined && c.vendor === 'generic') assert.equal(d.product, undefined);
    assert.equal(d.confidence, c.confidence, d.why);
    if (c.why) assert.match(d.why, c.why);
    if (c.conflicts !== undefined)
      assert.ok(d.conflicts.length >= c.conflicts, `conflicts: ${d.conflicts.join(' | ')}`);
    assert.equal(detectVendor(c.ev, c.hint), c.vendor);
  });
}
