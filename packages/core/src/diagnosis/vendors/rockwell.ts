// Rockwell Automation FactoryTalk: FactoryTalk Linx Gateway (the UA server third-party clients
// use), FactoryTalk Optix, and FactoryTalk View SE / the FT Linx OPC UA Connector on the client
// side. Sources: shared/research/vendors.md §1. Much of the gateway's server side (trust store,
// default security, anonymous) was not found: the texts say so instead of guessing menu paths.
import { BAT, RESTART, ROCKWELL_ADVICE } from './rockwell-advice.ts';
import { fix, type VendorProfile } from './types.ts';

export const rockwell: VendorProfile = {
  id: 'rockwell',
  name: 'Rockwell Automation FactoryTalk',
  about:
    'FactoryTalk Linx Gateway exposes FactoryTalk Linx data to third-party OPC UA clients, seen at opc.tcp://<host>:4990/FactoryTalkLinxGateway1 with node ids ns=2;s=[<Shortcut>]<Tag>. FactoryTalk Optix runs its own UA server per project. FactoryTalk View SE and the FT Linx OPC UA Connector are the client side: their status texts are listed under "what other clients show".',
  products: [
    { id: 'ftlg', name: 'FactoryTalk Linx Gateway', role: 'server' },
    { id: 'optix', name: 'FactoryTalk Optix', role: 'server' },
    { id: 'view-se', name: 'FactoryTalk View SE', role: 'client' },
  ],
  detect: {
    texts: [
      { pattern: 'FactoryTalk ?Linx ?Gateway', product: 'ftlg', source: 'ftlg-uri-kb' },
      { pattern: 'FactoryTalk ?Optix|FTOptix', product: 'optix', source: 'optix-certs' },
      { pattern: 'Rockwell|FactoryTalk', source: 'ftlg-identity' },
    ],
    paths: [{ pattern: '^/FactoryTalkLinxGateway', product: 'ftlg', source: 'ftlg-url' }],
    names: [
      { pattern: 'ftlg|linx', product: 'ftlg', source: 'config' },
      { pattern: 'optix', product: 'optix', source: 'config' },
      { pattern: 'factorytalk|rockwell', source: 'config' },
    ],
    ports: [
      { port: 4990, product: 'ftlg', guess: true, source: 'ftlg-url' },
      { port: 59100, product: 'optix', guess: true, source: 'optix-port' },
    ],
  },
  advice: ROCKWELL_ADVICE,
  health: [],
  pitfalls: [
    {
      id: 'ftlg-certificate-uri-spaces',
      applies: 'any',
      when: [{ field: 'server-certificate-uri', matches: '^urn:[^ ]*:FactoryTalk Linx Gateway.* .*$' }],
      code: 'cert-uri-mismatch',
      product: 'ftlg',
      summary:
        'The server certificate URI "{value}" contains unencoded spaces: Milo-based clients (Ignition) refuse it with Bad_CertificateUriInvalid. A FactoryTalk Linx Gateway server-certificate problem, not an untrusted client.',
      cause:
        'FactoryTalk Linx Gateway generates its certificate with the spaces of "FactoryTalk Linx Gateway OPC UA Server" unencoded in the SAN URI (third-party KB; seen on 6.11).',
      fix: fix(
        ['ftlg-uri-kb'],
        `In ${BAT}, write each space of SERVER_ALTERNATIVE_SUBJECT as %2520 and regenerate the certificate.`,
        RESTART,
        'Trust the new server certificate on every client (Ignition: Config → OPC UA → Security).',
      ),
      source: 'ftlg-uri-kb',
    },
  ],
  sources: {
    'ftlg-release': {
      kind: 'doc',
      cite: 'compatibility.rockwellautomation.com release notes, FactoryTalk Linx Gateway 6.31 (1/2023) and 6.50 (11/2024), .NET 4.8 (vendors.md §1.1)',
    },
    'ftlg-url': {
      kind: '3p',
      cite: 'public asyncua and C# client code: opc.tcp://<host>:4990/FactoryTalkLinxGateway1, node ids ns=2;s=[<Shortcut>]<Tag> (vendors.md §1.1); port 4990 is single-sourced',
    },
    'ftlg-uri-kb': {
      kind: '3p',
      cite: 'industrialmonitordirect.com KB "FactoryTalk Linx Gateway OPC UA Bad_CertificateUriInvalid fix" (vendors.md §1.2, §6)',
    },
    'ftlg-security': {
      kind: 'doc',
      cite: 'rockwellautomation.com FactoryTalk Linx Gateway 6.60 help, feature security properties (vendors.md §1.1)',
    },
    'ftlg-trust': {
      kind: 'unverified',
      cite: 'the gateway\'s server-side trust store and UI path were not found; the seed\'s "OPC UA Server > Certificates" could not be verified (vendors.md §1.3, §7.1)',
    },
    'ftlg-unknown': {
      kind: 'unverified',
      cite: 'FTLG default security, anonymous access, user tokens and session limits were not found (vendors.md §0, §7.1, §7.5)',
    },
    'ftlg-identity': {
      kind: 'unverified',
      cite: 'FTLG BuildInfo strings were not found; "Rockwell Automation" as manufacturer is a guess (vendors.md §1.1, §7.2)',
    },
    'ft-connector': {
      kind: 'doc',
      cite: 'rockwellautomation.com FactoryTalk Services Platform 6.60 help: FT Linx OPC UA Connector status icons and Certificate Management (vendors.md §1.3, §1.4)',
    },
    'ft-status': {
      kind: 'doc',
      cite: 'rockwellautomation.com FactoryTalk View 16.00 help, server status of an application (vendors.md §1.5)',
    },
    'ft-ae': {
      kind: 'doc',
      cite: 'rockwellautomation.com FactoryTalk Alarms and Events help, "connection to PLC lost" status message; FactoryTalk Diagnostics logs (vendors.md §1.5)',
    },
    'optix-certs': {
      kind: 'doc',
      cite: 'rockwellautomation.com FactoryTalk Optix 1.10 help, certificates and keys (vendors.md §1.3)',
    },
    'optix-port': {
      kind: 'unverified',
      cite: 'Optix port 59100 from one script; the port is per project (vendors.md §0)',
    },
    config: { kind: 'unverified', cite: 'the name an operator gave the endpoint in the agent config' },
  },
};
