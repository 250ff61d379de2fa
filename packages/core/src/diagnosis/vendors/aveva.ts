// AVEVA (Wonderware): the OI Server engine and its drivers (device health in the $SYS$ system
// items), the OI Gateway and System Platform on the client side, and the AVEVA PI OPC UA Server.
// Sources: shared/research/vendors.md §2. Whether an OI Server exposes an OPC UA server, and on
// which port, was not found: those texts say so.
import { AVEVA_ADVICE } from './aveva-advice.ts';
import { fix, type VendorProfile } from './types.ts';

export const aveva: VendorProfile = {
  id: 'aveva',
  name: 'AVEVA',
  about:
    'The OI Server engine hosts the communication drivers and exposes the $SYS$ system items per device ($SYS$Status, $SYS$ErrorCode, $SYS$ErrorText), readable through any of its client interfaces; OI Gateway brings third-party UA servers into System Platform; the AVEVA PI OPC UA Server listens on 48032.',
  products: [
    { id: 'oi-server', name: 'AVEVA OI Server', role: 'server' },
    { id: 'pi-opcua', name: 'AVEVA PI OPC UA Server', role: 'server' },
    { id: 'oi-gateway', name: 'AVEVA OI Gateway / System Platform', role: 'client' },
  ],
  detect: {
    texts: [
      { pattern: 'PI OPC UA', product: 'pi-opcua', source: 'pi-opcua' },
      { pattern: '\\bOI ?(Server|Gateway)\\b', product: 'oi-server', source: 'oi-admin' },
      { pattern: 'AVEVA|Wonderware|ArchestrA', source: 'aveva-identity' },
    ],
    paths: [],
    names: [
      { pattern: 'pi-?opc', product: 'pi-opcua', source: 'config' },
      { pattern: 'oi-?server|oi-?gateway', product: 'oi-server', source: 'config' },
      { pattern: 'aveva|wonderware|archestra', source: 'config' },
    ],
    ports: [{ port: 48032, product: 'pi-opcua', guess: false, source: 'pi-opcua' }],
  },
  advice: AVEVA_ADVICE,
  health: [
    {
      id: 'aveva-sys-status',
      label: 'AVEVA $SYS$Status',
      path: '**/$SYS$Status',
      device: 1,
      minDepth: 2,
      bad: { equals: [false] },
      text: '$SYS$ErrorText',
    },
    {
      id: 'aveva-sys-errorcode',
      label: 'AVEVA $SYS$ErrorCode',
      path: '**/$SYS$ErrorCode',
      device: 1,
      minDepth: 2,
      bad: { below: 0 },
      text: '$SYS$ErrorText',
    },
  ],
  pitfalls: [
    {
      id: 'oi-gateway-discovery-url',
      applies: 'any',
      when: [{ field: 'url-path', matches: '/discovery/?$' }],
      code: 'endpoint-url-rejected',
      product: 'oi-gateway',
      summary:
        'The URL ends in "{value}": AVEVA OI Gateway refuses a UA server URL with a /discovery suffix (integrator notes), and other clients may reach only the discovery endpoint.',
      cause: 'A discovery URL was copied into a client configuration.',
      fix: fix(
        ['oi-gateway-notes'],
        'Configure clients (OI Gateway in particular) with the server URL without /discovery.',
      ),
      source: 'oi-gateway-notes',
    },
  ],
  sources: {
    'oi-sys-items': {
      kind: 'doc',
      cite: 'docs.aveva.com sp-cdp-drivers 191182 (device items), 200199 (Gateway), 200201 (device group); sp-cdp-drivers-2023 200214 (vendors.md §2.2)',
    },
    'oi-admin': {
      kind: 'doc',
      cite: 'docs.aveva.com sp-cdp-drivers-2023 200223: OI Server Manager in OCMC, OI Administrator sign-in (vendors.md §2.1)',
    },
    'oi-badrights': {
      kind: 'doc',
      cite: 'docs.aveva.com sp-cdp-drivers 200210: OPC_E_BADRIGHTS for any write failure, AVEVA Log Viewer and log flags (vendors.md §2.2)',
    },
    'oi-gateway-notes': {
      kind: '3p',
      cite: 'gitea.dohertylan.com lmxopcua docs/v2/aveva-system-platform-io-research.md (vendors.md §2.1)',
    },
    'oi-ua-unknown': {
      kind: 'unverified',
      cite: 'whether an OI Server exposes a UA server, its port, PKI folders and limits were not found (vendors.md §2.1, §7.4)',
    },
    'pi-opcua': {
      kind: 'doc',
      cite: 'docs.aveva.com pi-opc-ua-server 1594517: port 48032, security modes, "Trust a client certificate" (vendors.md §2.1)',
    },
    'eds-rejected': {
      kind: 'doc',
      cite: 'docs.aveva.com edge-data-store 1229328: rejected certificate log line and folders (vendors.md §2.3)',
    },
    'plant-scada': {
      kind: 'doc',
      cite: 'docs.aveva.com plant-scada 843720: ArchestrA Data Store, Citect.User.Drivers (vendors.md §2.3)',
    },
    'sp-ports': {
      kind: 'doc',
      cite: 'docs.aveva.com sp-omi-2023 248831: WCF port 808; UA server and discovery ports (vendors.md §2.1)',
    },
    'aveva-identity': {
      kind: 'unverified',
      cite: 'BuildInfo strings and anonymous defaults of AVEVA UA servers were not found (vendors.md §7.2)',
    },
    config: { kind: 'unverified', cite: 'the name an operator gave the endpoint in the agent config' },
  },
};
