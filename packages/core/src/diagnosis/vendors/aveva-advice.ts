// What differs on this platform, per diagnosis code: causes, fix steps per product line and
// what its own clients show. Part of the aveva profile (aveva.ts); sources are cited by id there.
import { advise, type Cited, fix, forCodes } from './types.ts';

const OCMC =
  'OI Server Manager (in the Operations Control Management Console; configuring needs "Sign-in as OI Administrator" or the oiAdministrators group)';
const LOGS =
  "Raise the driver's log flags and read the AVEVA Log Viewer; see also OI Server Manager → Diagnostics.";

const GATEWAY_DOWN: Cited = {
  text: 'AVEVA OI Gateway (as the client): $SYS$GatewayConnectionStatus False, $SYS$GatewayConnectionStatusString "Disconnected"',
  source: 'oi-sys-items',
};

const TRUST_AGENT = {
  'oi-server': fix(
    ['oi-ua-unknown', 'eds-rejected'],
    'AVEVA UA components reject an unknown certificate first; an administrator then trusts it. Where the OI Server keeps rejected certificates is unverified.',
    'On AVEVA products that use the …\\Certificates folders (Edge Data Store): move the agent certificate {thumbprint} from …\\Certificates\\RejectedCertificates\\certs to …\\Certificates\\Trusted\\certs (admin rights).',
  ),
  'pi-opcua': fix(
    ['pi-opcua'],
    'Follow the AVEVA PI OPC UA Server procedure "Trust a client certificate" for the agent certificate {thumbprint} ({agentUri}).',
  ),
};

const SECURITY = {
  'oi-server': fix(
    ['oi-ua-unknown'],
    `Check the UA endpoint security in ${OCMC}; Basic256Sha256 with SignAndEncrypt is what integrators use with AVEVA (unverified for an OI Server acting as a server).`,
  ),
  'pi-opcua': fix(
    ['pi-opcua'],
    'The server offers Basic256Sha256 SignAndEncrypt, and None only when "Allow Security Policy None" is set.',
  ),
};

const NOT_DOCUMENTED = (what: string) =>
  fix(
    ['oi-ua-unknown'],
    `${what} The OI Server's OPC UA server side is not documented in the sources Cellfleet has (unverified).`,
  );

export const AVEVA_ADVICE = advise(
  forCodes(
    [
      'port-closed',
      'tcp-timeout',
      'not-opcua',
      'handshake-timeout',
      'connection-dropped',
      'client-cert-untrusted',
    ],
    {
      shows: [GATEWAY_DOWN],
    },
  ),
  {
    'port-closed': {
      fix: {
        'oi-server': NOT_DOCUMENTED(
          `Check that the driver's OI Server instance is running in ${OCMC} and which port its UA interface uses.`,
        ),
        'pi-opcua': fix(
          ['pi-opcua'],
          'Check the AVEVA PI OPC UA Server service runs; it listens on opc.tcp://<host>:48032/ by default.',
          'Allow TCP {port} inbound on its host.',
        ),
      },
    },
    'tcp-timeout': {
      fix: {
        'oi-server': fix(
          ['sp-ports'],
          'Open the UA server and discovery ports of the node on every firewall in between.',
        ),
        'pi-opcua': fix(['pi-opcua'], 'Allow TCP {port} (default 48032) through every firewall in between.'),
      },
    },
    'not-opcua': {
      fix: {
        'oi-server': fix(
          ['sp-ports'],
          'System Platform nodes also use WCF port 808 (Platform Common Services): that is not OPC UA. Dial the UA server port.',
        ),
        'pi-opcua': fix(['pi-opcua'], 'Dial opc.tcp://<host>:48032/ (the PI OPC UA Server default).'),
      },
    },
    'handshake-timeout': {
      fix: {
        'oi-server': fix(['oi-badrights'], LOGS),
        'pi-opcua': fix([], 'Restart the AVEVA PI OPC UA Server service.'),
      },
    },
    'connection-dropped': {
      fix: {
        'oi-server': fix(['oi-badrights'], LOGS),
        'pi-opcua': fix([], 'Check the PI OPC UA Server log for the refused connection.'),
      },
    },
    'endpoint-url-rejected': {
      causes: [
        {
          text: 'OI Gateway refuses a UA server URL that ends in /discovery (integrator notes).',
          source: 'oi-gateway-notes',
        },
      ],
      fix: {
        'oi-server': fix(['oi-gateway-notes'], 'Dial the server URL without a /discovery suffix.'),
        'pi-opcua': fix(
          ['pi-opcua'],
          'Dial opc.tcp://<host>:<port>/ as documented (a trailing slash, no other path).',
        ),
      },
    },
    'advertised-host-unresolvable': {
      fix: {
        'oi-server': NOT_DOCUMENTED(
          'Add the advertised node name to DNS or to the hosts file of every client.',
        ),
        'pi-opcua': fix([], 'Add the advertised host name to DNS or to the hosts file of every client.'),
      },
    },
    'security-policy-mismatch': { fix: SECURITY },
    'deprecated-security-only': { fix: SECURITY },
    'security-none-only': { fix: SECURITY },
    'client-cert-untrusted': {
      shows: [
        {
          text: 'AVEVA Edge Data Store OPC UA adapter (as the client): [Warning] Rejected Certificate: "<subject>"',
          source: 'eds-rejected',
        },
      ],
      fix: TRUST_AGENT,
    },
    'client-cert-expired': { fix: TRUST_AGENT },
    'server-cert-untrusted': {
      fix: {
        'oi-server': NOT_DOCUMENTED(
          'Compare the server certificate thumbprint {serverThumbprint} with the one the OI Server node shows.',
        ),
        'pi-opcua': fix(
          ['pi-opcua'],
          'Compare {serverThumbprint} with the PI OPC UA Server certificate before trusting it here.',
        ),
      },
    },
    'server-cert-expired': {
      fix: {
        'oi-server': NOT_DOCUMENTED(
          'Renew the server certificate of the OI Server node and trust the new one on every client.',
        ),
        'pi-opcua': fix([], 'Renew the PI OPC UA Server certificate and trust the new one on every client.'),
      },
    },
    'cert-hostname-mismatch': {
      fix: {
        'oi-server': NOT_DOCUMENTED('Renew the server certificate with the names clients dial.'),
        'pi-opcua': fix([], 'Renew the PI OPC UA Server certificate with the names clients dial.'),
      },
    },
    'cert-uri-mismatch': {
      fix: {
        'oi-server': NOT_DOCUMENTED(
          "Renew the server certificate so its URI equals the server's applicationUri.",
        ),
        'pi-opcua': fix(
          [],
          "Renew the PI OPC UA Server certificate so its URI equals the server's applicationUri.",
        ),
      },
    },
    'clock-skew': {
      fix: {
        'oi-server': fix([], 'Sync the OI Server node clock (Windows Time, w32tm) to the plant time source.'),
        'pi-opcua': fix([], 'Sync the PI OPC UA Server host clock (Windows Time, w32tm).'),
      },
    },
    'anonymous-disabled': {
      fix: {
        'oi-server': NOT_DOCUMENTED(
          'Probe with --user/--password for a user the OI Server accepts; integrators use username login with AVEVA.',
        ),
        'pi-opcua': fix(
          ['aveva-identity'],
          'Probe with --user/--password; whether the PI OPC UA Server allows anonymous is unverified.',
        ),
      },
    },
    'bad-credentials': {
      shows: [
        {
          text: 'AVEVA Plant SCADA OPC UA driver (as the client): correct credentials still refused while the ArchestrA Data Store service is stopped or the user is not yet in Citect.User.Drivers (needs log-off/on)',
          source: 'plant-scada',
        },
      ],
      fix: {
        'oi-server': NOT_DOCUMENTED('Check the user and password configured for UA clients.'),
        'pi-opcua': fix([], 'Check the user and password for the PI OPC UA Server.'),
      },
    },
    'too-many-sessions': {
      fix: {
        'oi-server': NOT_DOCUMENTED('Stop clients that hold sessions; the session limit is unverified.'),
        'pi-opcua': fix(
          ['aveva-identity'],
          'Stop clients that hold sessions; the session limit is unverified.',
        ),
      },
    },
    'server-busy': {
      fix: {
        'oi-server': fix(
          ['oi-admin', 'oi-badrights'],
          `Check the OI Server instance state in ${OCMC}; ${LOGS}`,
        ),
        'pi-opcua': fix([], 'Check the PI OPC UA Server service and its log.'),
      },
    },
    'message-too-large': {
      fix: {
        'oi-server': NOT_DOCUMENTED('Read fewer items per request.'),
        'pi-opcua': fix([], 'Read fewer nodes per request.'),
      },
    },
    'device-not-communicating': {
      causes: [
        {
          text: '$SYS$Status reads 0 at the device level: the OI Server cannot talk to the PLC ($SYS$ErrorCode < 0 holds the code, $SYS$ErrorText the text). The root level always reads good.',
          source: 'oi-sys-items',
        },
        {
          text: 'For an ArchestrA data source the device items always read good, so only tag quality tells.',
          source: 'oi-sys-items',
        },
      ],
      shows: [GATEWAY_DOWN],
      fix: {
        'oi-server': fix(
          ['oi-sys-items', 'oi-badrights'],
          `In ${OCMC}, open the device {device}: $SYS$ErrorCode and $SYS$ErrorText name the fault; check the PLC's power, network and address.`,
          LOGS,
        ),
        'pi-opcua': fix([], 'Check the PI Data Archive and interfaces feeding the points that read Bad.'),
      },
    },
  },
);
