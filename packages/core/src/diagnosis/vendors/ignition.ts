// Inductive Automation Ignition 8.1 and 8.3 (OPC UA server on Eclipse Milo). Fix steps live
// with each code in ../knowledge/*.ts (tagged `ignition`); this profile adds recognition (the
// version picks 8.1 or 8.3 steps), device health and where Ignition shows a faulted connection.
import { forCodes, type VendorProfile } from './types.ts';

export const ignition: VendorProfile = {
  id: 'ignition',
  name: 'Inductive Automation Ignition',
  about:
    'Ignition 8.1 and 8.3 Gateways. UA port 62541 (plus /discovery); no anonymous access on new installs; server settings need a restart of the OPC UA module; client certificates wait under Quarantined Certificates.',
  products: [
    { id: 'ignition-83', name: 'Ignition 8.3', role: 'server' },
    { id: 'ignition-81', name: 'Ignition 8.1', role: 'server' },
  ],
  detect: {
    texts: [{ pattern: 'ignition|inductive ?automation', source: 'ia-docs' }],
    paths: [],
    names: [{ pattern: 'ignition', source: 'config' }],
    ports: [{ port: 62541, guess: false, source: 'ia-docs' }],
    versions: [
      { pattern: '^8\\.3', product: 'ignition-83', source: 'ia-docs' },
      { pattern: '^8\\.1', product: 'ignition-81', source: 'ia-docs' },
    ],
  },
  advice: forCodes(
    [
      'port-closed',
      'tcp-timeout',
      'not-opcua',
      'handshake-timeout',
      'connection-dropped',
      'client-cert-untrusted',
      'security-policy-mismatch',
      'bad-credentials',
    ],
    {
      shows: [
        {
          text: 'Ignition 8.1 (as the client): Status → Connections → OPC Connections shows the connection Faulted (the red link opens the error); 8.3: Connections → OPC → Connections → ⋮ → View Details',
          source: 'ia-status',
        },
      ],
    },
  ),
  health: [
    {
      id: 'ignition-device-connected',
      label: 'Ignition device Connected',
      path: 'Devices/*/Connected',
      device: 1,
      skip: 1,
      bad: { equals: [false] },
      text: 'Status',
    },
  ],
  pitfalls: [],
  sources: {
    'ia-docs': {
      kind: 'doc',
      cite: "docs.inductiveautomation.com: Ignition's OPC UA Server (8.1, 8.3); OPC UA Drivers (device Connected/State/Status tags) (opcua-diagnosis.md §5; vendors.md §6)",
    },
    'ia-status': {
      kind: 'doc',
      cite: 'docs.inductiveautomation.com 8.1 connections-opc-connections, 8.3 opc-ua-connections (vendors.md §6)',
    },
    config: { kind: 'unverified', cite: 'the name an operator gave the endpoint in the agent config' },
  },
};
