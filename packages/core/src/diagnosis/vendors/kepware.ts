// PTC Kepware: KEPServerEX 6 and Kepware Edge. Their fix steps predate this folder and live
// with each code in ../knowledge/*.ts (tagged `kepware`); this profile adds recognition, the
// device health items and what Kepware shows when it is itself the OPC UA client.
import { advise, type Cited, forCodes, type VendorProfile } from './types.ts';

const CLIENT_FAILED: Cited = {
  text: 'Kepware OPC UA Client driver (Kepware as the client): "Channel failed to connect. | Status description = \'<status>\', Status code = <code>."',
  source: 'ptc-client',
};

export const kepware: VendorProfile = {
  id: 'kepware',
  name: 'PTC Kepware',
  about:
    "KEPServerEX 6 (Windows) and Kepware Edge (Linux). UA port 49320; trust and endpoint changes need a runtime Reinitialize; device health in each device's hidden `_System` group.",
  products: [
    { id: 'kepserverex', name: 'KEPServerEX 6', role: 'server' },
    { id: 'kepware-edge', name: 'Kepware Edge', role: 'server' },
  ],
  detect: {
    texts: [
      { pattern: 'Kepware Edge', product: 'kepware-edge', source: 'research-kepware' },
      { pattern: 'KEPServerEX', product: 'kepserverex', source: 'research-kepware' },
      { pattern: 'kepware|\\bPTC\\b', source: 'research-kepware' },
    ],
    paths: [],
    names: [
      { pattern: 'edge', product: 'kepware-edge', source: 'config' },
      { pattern: 'kep', source: 'config' },
    ],
    ports: [{ port: 49320, product: 'kepserverex', guess: false, source: 'research-kepware' }],
  },
  advice: advise(
    forCodes(['port-closed', 'tcp-timeout', 'not-opcua', 'handshake-timeout', 'connection-dropped'], {
      shows: [CLIENT_FAILED],
    }),
    {
      'client-cert-untrusted': {
        shows: [
          {
            text: 'Kepware OPC UA Client driver: "Channel failed to connect. Use the OPC UA Configuration Manager to ensure the client certificate is valid."',
            source: 'ptc-client',
          },
        ],
      },
    },
  ),
  health: [
    {
      id: 'kepware-device-error',
      label: 'Kepware device _System._Error',
      path: '**/_System/_Error',
      device: 2,
      bad: { equals: [true] },
      secondsInError: '_SecondsInError',
    },
  ],
  pitfalls: [],
  sources: {
    'research-kepware': {
      kind: 'doc',
      cite: 'PTC Kepware OPC UA Configuration Manager and Project Properties help; Kepware KB 2008 and PTC CS294815 on _System._Error (opcua-diagnosis.md §4, §8)',
    },
    'ptc-client': {
      kind: 'doc',
      cite: 'PTC OPC UA Client driver manuals, mirrored (vendors.md §5.2)',
    },
    config: { kind: 'unverified', cite: 'the name an operator gave the endpoint in the agent config' },
  },
};
