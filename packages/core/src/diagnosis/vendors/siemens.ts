// Siemens WinCC Unified (PC Runtime and Unified Comfort Panels) and WinCC OA (Open
// Architecture). Sources: shared/research/vendors.md §3 (the TIA Portal help for Unified and
// winccoa.com for OA, both documentation). BuildInfo strings of either were not found.
import { SIEMENS_ADVICE } from './siemens-advice.ts';
import type { VendorProfile } from './types.ts';

export const siemens: VendorProfile = {
  id: 'siemens',
  name: 'Siemens WinCC',
  about:
    'WinCC Unified Runtime serves OPC UA on opc.tcp://[HostName]:4890 ("Operate as OPC UA server", up to 100 sessions); its certificate store is C:\\ProgramData\\SCADAProjects\\Certstore and trust applies on the next connection attempt. WinCC OA\'s OPC UA Server manager listens on 4840, needs the "OPC UA Server" licence, allows 50 clients and has anonymous login off by default.',
  products: [
    { id: 'wincc-unified', name: 'WinCC Unified', role: 'server' },
    { id: 'wincc-oa', name: 'WinCC OA', role: 'server' },
  ],
  detect: {
    texts: [
      { pattern: 'WinCC ?Unified', product: 'wincc-unified', source: 'unified-help' },
      { pattern: 'WinCC[_ ]?OA|ETM ?pc|ETM professional', product: 'wincc-oa', source: 'oa-client-uri' },
      { pattern: 'Siemens|SIMATIC|WinCC', source: 'siemens-identity' },
    ],
    paths: [],
    names: [
      { pattern: 'unified', product: 'wincc-unified', source: 'config' },
      { pattern: 'wincc.?oa|winccoa', product: 'wincc-oa', source: 'config' },
      { pattern: 'wincc|siemens|simatic', source: 'config' },
    ],
    ports: [
      { port: 4890, product: 'wincc-unified', guess: false, source: 'unified-help' },
      // 4840 is the IANA port of every OPC UA server (Part 6 §7.2): a weak guess.
      { port: 4840, product: 'wincc-oa', guess: true, source: 'oa-server' },
    ],
  },
  advice: SIEMENS_ADVICE,
  health: [
    {
      id: 'wincc-oa-connstate',
      label: 'WinCC OA Common.State.ConnState',
      path: '**/Common/State/ConnState',
      device: 3,
      bad: { equals: [1, 5] },
      values: {
        '-1': 'Not Initialized',
        '0': 'Undefined',
        '1': 'Not Connected',
        '2': 'Connecting',
        '3': 'Not Active',
        '4': 'Disconnecting',
        '5': 'Failure',
        '9': 'WaitForReconnect',
        '256': 'Connected',
      },
    },
  ],
  pitfalls: [],
  sources: {
    'unified-help': {
      kind: 'doc',
      cite: 'Siemens TIA Portal Information System "OPC UA – Open Platform Communications (RT Unified)" (OPCWCCUenUS) and the WinCC Unified Runtime OPC system manual 05/2021 (vendors.md §3.1)',
    },
    'oa-server': {
      kind: 'doc',
      cite: 'winccoa.com WinCC OA documentation, OPC UA Server (DA/AC/HA), opc_ua_server_da.html (vendors.md §3.2)',
    },
    'oa-notes': {
      kind: 'doc',
      cite: 'winccoa.com OPC_UA/opc_ua_notes.html: 50 clients, late session ends (vendors.md §3.2)',
    },
    'oa-auth': { kind: 'doc', cite: 'winccoa.com OPC_UA/opc_ua_s_authentication.html (vendors.md §3.2)' },
    'oa-cert': { kind: 'doc', cite: 'winccoa.com 3.18 OPC_UA/opc_ua_certificate.html (vendors.md §3.2)' },
    'oa-connstate': {
      kind: 'doc',
      cite: 'winccoa.com 3.19 driver_harmonization.html, Common.State.ConnState (vendors.md §3.2)',
    },
    'oa-s7plus': {
      kind: 'doc',
      cite: 'winccoa.com S7Plus internal data points and Connections/_DriverCommon (vendors.md §3.2)',
    },
    'oa-client-uri': {
      kind: 'doc',
      cite: "winccoa.com config_entries opcua: default client applicationUri urn:host:ETMpc:WinCC_OA_Client (vendors.md §3.2); the server's own URI is unverified",
    },
    'oa-unknown': {
      kind: 'unverified',
      cite: 'WinCC OA server security-policy config entries and endpoint path were not found (vendors.md §3.2)',
    },
    'siemens-limits': {
      kind: 'unverified',
      cite: 'how WinCC refuses clients over its limit, and its message size limits, were not found (vendors.md §7.5)',
    },
    'siemens-identity': {
      kind: 'unverified',
      cite: 'BuildInfo strings of WinCC Unified and WinCC OA were not found (vendors.md §7.2)',
    },
    config: { kind: 'unverified', cite: 'the name an operator gave the endpoint in the agent config' },
  },
};
