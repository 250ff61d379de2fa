// What differs on this platform, per diagnosis code: causes, fix steps per product line and
// what its own clients show. Part of the rockwell profile (rockwell.ts); sources are cited by id there.
import { advise, type Cited, fix, forCodes } from './types.ts';

const TOOL = 'FactoryTalk Linx Gateway Configuration';
const POLICY = `${TOOL} (FactoryTalk logon with the "Modify UA Server Endpoint Properties" policy)`;
export const BAT =
  'create_server_certificate.bat in C:\\Program Files (x86)\\Rockwell Software\\RSOPC Gateway';
export const RESTART = 'Restart the FactoryTalk Linx Gateway service (services.msc) on the gateway PC.';

const DISCONNECTED: Cited = {
  text: 'FactoryTalk Linx OPC UA Connector (FT as the client): status "Disconnected with server"',
  source: 'ft-connector',
};

const TRUST_AGENT = {
  ftlg: fix(
    ['ftlg-trust', 'ftlg-security'],
    `Open ${TOOL} on the gateway PC and find the UA server's certificate settings; the exact page is not documented in the sources Cellfleet has (unverified).`,
    "Trust the agent certificate with thumbprint {thumbprint} ({agentUri}) there, or import the agent's DER file.",
    `If the probe still fails: ${RESTART} (whether trust applies without a restart is unverified).`,
  ),
  optix: fix(
    ['optix-certs'],
    "Import the agent certificate ({thumbprint}) into the Optix application's trust list, in FactoryTalk Optix Studio at design time or at runtime; Optix trusts certificates explicitly on both sides.",
  ),
};

const SECURITY = {
  ftlg: fix(
    ['ftlg-security', 'ftlg-unknown'],
    `Set the UA server endpoint's security in ${POLICY}: Basic256Sha256 with Sign and Encrypt. Which policies the gateway offers by default is unverified.`,
    RESTART,
  ),
  optix: fix(
    ['optix-certs', 'ftlg-unknown'],
    "Enable Basic256Sha256 Sign and Encrypt on the project's OPC UA server in FactoryTalk Optix Studio and redeploy (where in the project: unverified); current Optix policies need SHA-256 certificates with RSA 2048–4096 keys.",
  ),
};

const LOGS = fix(['ft-ae'], 'Check the FactoryTalk Diagnostics logs on the gateway PC for its messages.');

export const ROCKWELL_ADVICE = advise(
  forCodes(
    [
      'port-closed',
      'tcp-timeout',
      'not-opcua',
      'connection-dropped',
      'endpoint-url-rejected',
      'security-policy-mismatch',
      'deprecated-security-only',
      'client-cert-untrusted',
      'client-cert-expired',
      'anonymous-disabled',
      'bad-credentials',
      'too-many-sessions',
    ],
    { shows: [DISCONNECTED] },
  ),
  {
    'port-closed': {
      causes: [
        {
          text: `The FactoryTalk Linx Gateway service is stopped, or no UA server endpoint is set up in ${TOOL}.`,
          source: 'ftlg-security',
          product: 'ftlg',
        },
        {
          text: 'The FactoryTalk Optix runtime with this project is not running.',
          source: 'optix-port',
          product: 'optix',
        },
      ],
      fix: {
        ftlg: fix(
          ['ftlg-security', 'ftlg-url'],
          'Check that the FactoryTalk Linx Gateway service is running on the gateway PC (services.msc).',
          `Check the UA server endpoint and its port in ${POLICY}; installs seen in the field use 4990 (unverified default).`,
          'Allow TCP {port} inbound in Windows Defender Firewall on the gateway PC.',
        ),
        optix: fix(
          ['optix-port'],
          'Check that the FactoryTalk Optix runtime with this project is running.',
          'The OPC UA server port is a project setting (59100 in one script; unverified): check it in FactoryTalk Optix Studio.',
        ),
      },
    },
    'tcp-timeout': {
      fix: {
        ftlg: fix(
          ['ftlg-url'],
          'Allow TCP {port} inbound on the gateway PC and every firewall in between (4990 on installs seen in the field).',
        ),
        optix: fix(
          [],
          "Allow the project's OPC UA port ({port}) through the firewalls between this IPC and the Optix runtime.",
        ),
      },
    },
    'not-opcua': {
      fix: {
        ftlg: fix(
          ['ftlg-url'],
          `Dial the gateway's UA endpoint: opc.tcp://<host>:4990/FactoryTalkLinxGateway1 on installs seen in the field (port and path unverified; ${TOOL} shows the real one).`,
        ),
        optix: fix(
          ['optix-port'],
          "Dial the OPC UA server port of the Optix project (a project setting; unverified), not another service's port.",
        ),
      },
    },
    'handshake-timeout': {
      shows: [
        {
          text: 'FactoryTalk Linx OPC UA Connector: stuck at "Connecting with Server" (Rockwell: check the @OPC_Namespace… predefined tags in FactoryTalk Live Data Test Client)',
          source: 'ft-connector',
        },
      ],
      fix: {
        ftlg: fix(['ft-ae'], RESTART, ...LOGS.steps),
        optix: fix([], 'Restart the FactoryTalk Optix runtime.'),
      },
    },
    'connection-dropped': {
      causes: [
        {
          text: 'How FactoryTalk Linx Gateway refuses a client over its limit (a status code or a closed socket) is unverified.',
          source: 'ftlg-unknown',
        },
      ],
      fix: {
        ftlg: fix(['ft-ae'], ...LOGS.steps, RESTART),
        optix: fix([], 'Restart the FactoryTalk Optix runtime if it is overloaded.'),
      },
    },
    'endpoint-url-rejected': {
      fix: {
        ftlg: fix(
          ['ftlg-url'],
          `Dial the full endpoint path: /FactoryTalkLinxGateway1 on installs seen in the field (older ones /FactoryTalkLinxGateway/; unverified); ${TOOL} shows the real one.`,
        ),
        optix: fix([], 'Dial the endpoint URL exactly as the Optix project publishes it.'),
      },
    },
    'advertised-host-unresolvable': {
      fix: {
        ftlg: fix(
          ['ftlg-security', 'ftlg-unknown'],
          `The advertised address comes from the UA server endpoint properties in ${POLICY}; which field sets the host name is unverified.`,
          'Or add the advertised name to DNS or to the hosts file of every client.',
        ),
        optix: fix(
          [],
          'Add the advertised name of the Optix runtime to DNS or to the hosts file of every client.',
        ),
      },
    },
    'security-policy-mismatch': { fix: SECURITY },
    'deprecated-security-only': { fix: SECURITY },
    'security-none-only': { fix: SECURITY },
    'client-cert-untrusted': {
      causes: [
        {
          text: 'The agent certificate was never trusted on the gateway; where FactoryTalk Linx Gateway keeps rejected client certificates is not documented in the sources Cellfleet has.',
          source: 'ftlg-trust',
          product: 'ftlg',
        },
        {
          text: 'FactoryTalk Optix trusts certificates explicitly on both sides; a certificate removed from the trust list cuts communication.',
          source: 'optix-certs',
          product: 'optix',
        },
      ],
      fix: TRUST_AGENT,
    },
    'client-cert-expired': { fix: TRUST_AGENT },
    'server-cert-untrusted': {
      shows: [
        {
          text: 'FT Linx OPC UA Connector: Properties → Certificate Management lists the server certificate as Rejected',
          source: 'ft-connector',
        },
      ],
      fix: {
        ftlg: fix(
          ['ftlg-uri-kb'],
          `The gateway certificate is made by ${BAT} (third-party KB): compare its thumbprint with {serverThumbprint} before trusting it.`,
        ),
        optix: fix(
          ['optix-certs'],
          'The server certificate is the FTOptixApplication certificate generated in FactoryTalk Optix Studio: compare its thumbprint with {serverThumbprint}.',
        ),
      },
    },
    'server-cert-expired': {
      fix: {
        ftlg: fix(
          ['ftlg-uri-kb'],
          `Regenerate the gateway certificate with ${BAT} (third-party KB).`,
          RESTART,
          'Trust the new certificate on every client (cellfleet-agent trust).',
        ),
        optix: fix(
          ['optix-certs'],
          'Generate a new FTOptixApplication server certificate in FactoryTalk Optix Studio, redeploy, and trust it on every client.',
        ),
      },
    },
    'cert-hostname-mismatch': {
      fix: {
        ftlg: fix(
          ['ftlg-uri-kb'],
          `The certificate's names come from SERVER_ALTERNATIVE_SUBJECT in ${BAT} (third-party KB): add the name clients dial and regenerate.`,
          RESTART,
        ),
        optix: fix(
          ['optix-certs'],
          'Generate a new FTOptixApplication server certificate in FactoryTalk Optix Studio with the names clients dial, and redeploy.',
        ),
      },
    },
    'cert-uri-mismatch': {
      causes: [
        {
          text: 'The FactoryTalk Linx Gateway certificate URI has unencoded spaces (urn:<HOST>:FactoryTalk Linx Gateway OPC UA Server): Milo-based clients such as Ignition refuse it with Bad_CertificateUriInvalid even after trusting the client. A server-certificate problem, not an untrusted client.',
          source: 'ftlg-uri-kb',
          product: 'ftlg',
        },
      ],
      shows: [
        {
          text: 'Ignition (Milo) against FactoryTalk Linx Gateway: UaException status=Bad_CertificateUriInvalid',
          source: 'ftlg-uri-kb',
        },
      ],
      fix: {
        ftlg: fix(
          ['ftlg-uri-kb'],
          `In ${BAT}, write each space of SERVER_ALTERNATIVE_SUBJECT as %2520 and regenerate the certificate (third-party KB; whether 6.3x–6.50 still need this is unverified).`,
          RESTART,
          'Trust the new server certificate on every client.',
        ),
        optix: fix(
          ['optix-certs'],
          "Generate a new FTOptixApplication server certificate in FactoryTalk Optix Studio whose URI matches the application's, redeploy, and trust it on every client.",
        ),
      },
    },
    'clock-skew': {
      fix: {
        ftlg: fix(
          ['ftlg-release'],
          'Sync the gateway PC clock (Windows Time, w32tm) to the plant time source.',
        ),
        optix: fix([], 'Sync the clock of the device running the Optix runtime to the plant time source.'),
      },
    },
    'anonymous-disabled': {
      fix: {
        ftlg: fix(
          ['ftlg-unknown'],
          `Whether the gateway allows anonymous login, and where that is set, is unverified: probe with --user/--password for a user the gateway accepts, or check the endpoint properties in ${TOOL}.`,
        ),
        optix: fix(
          ['ftlg-unknown'],
          'Anonymous access and users of the Optix OPC UA server are project settings (unverified): set them in FactoryTalk Optix Studio, or probe with a project user.',
        ),
      },
    },
    'bad-credentials': {
      fix: {
        ftlg: fix(
          ['ftlg-unknown'],
          'Check the user and password of the account the gateway accepts for OPC UA clients; how it authenticates UA users is unverified.',
        ),
        optix: fix(['ftlg-unknown'], "Check the user in the Optix project's users (unverified)."),
      },
    },
    'too-many-sessions': {
      fix: {
        ftlg: fix(
          ['ftlg-unknown'],
          "The gateway's session limits are not documented in the sources Cellfleet has (unverified): stop clients that hold sessions, or restart the service.",
          RESTART,
        ),
        optix: fix(
          ['ftlg-unknown'],
          'Stop clients that hold sessions on the Optix runtime; its session limit is unverified.',
        ),
      },
    },
    'server-busy': {
      fix: {
        ftlg: fix(
          ['ft-status'],
          'Check FT Linx in the FactoryTalk System Status Portal (states Active, Standby, Not loaded, Failed, Transitioning, Unknown).',
          RESTART,
        ),
        optix: fix([], 'Check the Optix runtime is running its project; restart it if it stays abnormal.'),
      },
    },
    'message-too-large': {
      fix: {
        ftlg: fix(
          ['ftlg-unknown'],
          "Read fewer tags per request; the gateway's message size limits are unverified.",
        ),
        optix: fix([], 'Read fewer nodes per request from the Optix runtime.'),
      },
    },
    'device-not-communicating': {
      causes: [
        {
          text: 'The controller behind the FactoryTalk Linx shortcut is unreachable (power, cable, IP address, slot), or the shortcut points at the wrong path.',
          source: 'ftlg-url',
        },
      ],
      shows: [
        {
          text: 'FactoryTalk Alarms and Events: "Connection to the controller has been lost"',
          source: 'ft-ae',
        },
        { text: 'FactoryTalk System Status Portal: FT Linx server state Failed', source: 'ft-status' },
      ],
      fix: {
        ftlg: fix(
          ['ftlg-url', 'ft-ae'],
          "Check the controller of shortcut {device}: power, network link, IP address and the shortcut's path in FactoryTalk Linx.",
          ...LOGS.steps,
        ),
        optix: fix(
          [],
          'Check the controller the Optix project talks to ({device}): power, network link and address.',
        ),
      },
    },
  },
);
