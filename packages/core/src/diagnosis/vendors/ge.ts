// GE Vernova Proficy: the OPC UA Server for iFIX on a SCADA node, and Proficy Historian
// (collectors with status and heartbeat outputs, and its OPC UA HDA server). Sources:
// shared/research/vendors.md §4. The iFIX UA server's port, path and defaults were not found.
import { GE_ADVICE } from './ge-advice.ts';
import type { VendorProfile } from './types.ts';

export const ge: VendorProfile = {
  id: 'ge',
  name: 'GE Vernova Proficy',
  about:
    'The OPC UA Server for iFIX runs on an iFIX SCADA node (tabs Server, Logging, Security, Alarms, Certificate, Trust List). Proficy Historian collectors report a status (Running/Stopped) and a heartbeat written once a minute; iFIX nodes carry them as HIST_STATUS / HIST_HEARTBEAT blocks. The Historian OPC UA HDA server does not accept anonymous login.',
  products: [
    { id: 'ifix', name: 'OPC UA Server for iFIX', role: 'server' },
    { id: 'historian', name: 'Proficy Historian', role: 'server' },
    { id: 'ifix-client', name: 'iFIX iClient', role: 'client' },
  ],
  detect: {
    texts: [
      { pattern: 'Historian', product: 'historian', source: 'hist-hda' },
      { pattern: 'iFIX', product: 'ifix', source: 'ifix-ua-manual' },
      { pattern: 'GE Vernova|GE Digital|General Electric|Proficy', source: 'ge-identity' },
    ],
    paths: [],
    names: [
      { pattern: 'historian', product: 'historian', source: 'config' },
      { pattern: 'ifix', product: 'ifix', source: 'config' },
      { pattern: 'proficy|vernova', source: 'config' },
    ],
    ports: [],
  },
  advice: GE_ADVICE,
  health: [
    {
      id: 'ge-collector-status',
      label: 'Historian collector status (HIST_STATUS)',
      path: '**/HIST_STATUS/A_CV',
      device: 2,
      bad: { equals: ['Stopped'] },
    },
    {
      id: 'ge-collector-heartbeat',
      label: 'Historian collector heartbeat (HIST_HEARTBEAT)',
      path: '**/HIST_HEARTBEAT/F_CV',
      device: 2,
      // The collector writes the heartbeat once a minute; two and a half minutes is two missed beats.
      bad: { olderThanS: 150 },
    },
  ],
  pitfalls: [],
  sources: {
    'ifix-ua-manual': {
      kind: 'doc',
      cite: 'GE "OPC UA Server for iFIX" v6.1 manual (2020, mirrored at scribd 658528052), table of contents: Server, Logging, Security, Alarms, Certificate, Trust List tabs (vendors.md §4.1)',
    },
    'ifix-unknown': {
      kind: 'unverified',
      cite: 'the iFIX UA server default port, endpoint path, anonymous default, limits and BuildInfo were not found (vendors.md §4.1, §7.3)',
    },
    'ifix-failover': {
      kind: 'doc',
      cite: 'gevernova.com iFIX 2024 enhanced failover: NSD tag, error 1914, @ datalinks, SCADA Sync Monitor (vendors.md §4.2)',
    },
    'hist-collectors': {
      kind: 'doc',
      cite: 'ge.com Historian 2022 collectors; gevernova.com Historian 2023 maintain and monitor health: status and heartbeat outputs, HIST_* blocks (vendors.md §4.3)',
    },
    'hist-logs': {
      kind: 'doc',
      cite: 'ge.com Historian 9.1 collectors operation and troubleshooting (vendors.md §4.3)',
    },
    'hist-mtls': { kind: 'doc', cite: 'ge.com Historian 2024 mTLS overview (vendors.md §4.3)' },
    'hist-hda': {
      kind: 'doc',
      cite: 'gevernova.com Historian 2024 "authenticate the OPC UA HDA server user": no anonymous; the Proficy Historian OPC UA Server Configuration tool (vendors.md §4.3)',
    },
    'ge-identity': {
      kind: 'unverified',
      cite: 'BuildInfo strings of GE UA servers were not found (vendors.md §7.2)',
    },
    config: { kind: 'unverified', cite: 'the name an operator gave the endpoint in the agent config' },
  },
};
