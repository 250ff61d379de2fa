// What differs on this platform, per diagnosis code: causes, fix steps per product line and
// what its own clients show. Part of the ge profile (ge.ts); sources are cited by id there.
import { advise, type Cited, fix, forCodes } from './types.ts';

const IFIX_CONFIG = 'the OPC UA Server for iFIX configuration';
const HIST_TOOL = 'the "Proficy Historian OPC UA Server Configuration" tool';
const HIST_ADMIN = 'Historian Administrator or Configuration Hub';
const HIST_LOGS =
  'C:\\Historian Data\\LogFiles (older installs: C:\\Proficy Historian Data\\LogFiles), highest number newest';

const NODE_DOWN: Cited = {
  text: 'iFIX iClients, when the SCADA node itself is unreachable: datalinks show @ and the popup "Node.Tag.Field Connection Not Established With Node" (error 1914)',
  source: 'ifix-failover',
};

const TRUST_AGENT = {
  ifix: fix(
    ['ifix-ua-manual', 'ifix-unknown'],
    `${IFIX_CONFIG} → Trust List tab: trust the agent certificate {thumbprint} ({agentUri}). Whether the server needs a restart afterwards is unverified.`,
  ),
  historian: fix(
    ['hist-hda'],
    `Trust the agent certificate {thumbprint} with ${HIST_TOOL} (the exact page is unverified).`,
  ),
};

const SECURITY = {
  ifix: fix(
    ['ifix-ua-manual', 'ifix-unknown'],
    `${IFIX_CONFIG} → Security tab: enable Basic256Sha256 with SignAndEncrypt (the defaults are unverified).`,
  ),
  historian: fix(
    ['hist-hda', 'ifix-unknown'],
    `Set the endpoint security with ${HIST_TOOL} (the defaults are unverified).`,
  ),
};

const unverified = (text: string) => ({
  ifix: fix(['ifix-unknown'], `${text} (unverified for the OPC UA Server for iFIX).`),
  historian: fix(['ifix-unknown'], `${text} (unverified for the Historian OPC UA HDA server).`),
});

function unverifiedFix(text: string) {
  return { fix: unverified(text) };
}

export const GE_ADVICE = advise(
  forCodes(['port-closed', 'host-unreachable', 'tcp-timeout', 'connection-dropped'], {
    shows: [NODE_DOWN],
  }),
  {
    'port-closed': {
      causes: [
        {
          text: 'The OPC UA Server for iFIX is not running or not configured on this SCADA node; its default port is not documented in the sources Cellfleet has.',
          source: 'ifix-unknown',
          product: 'ifix',
        },
      ],
      fix: {
        ifix: fix(
          ['ifix-ua-manual', 'ifix-unknown'],
          `Check that the OPC UA Server for iFIX runs on the SCADA node; ${IFIX_CONFIG} → Server tab shows its endpoint and port (default unverified).`,
          'Allow TCP {port} inbound on the SCADA node.',
        ),
        historian: fix(
          ['hist-hda'],
          `Check the Historian OPC UA HDA server runs; its endpoint and certificates are set with ${HIST_TOOL}.`,
          'Allow TCP {port} inbound on the Historian server.',
        ),
      },
    },
    'tcp-timeout': unverifiedFix('Allow TCP {port} through every firewall between this IPC and the server'),
    'not-opcua': unverifiedFix(
      "Dial the OPC UA port shown in the server's configuration, not another service's port",
    ),
    'handshake-timeout': {
      fix: {
        ifix: fix(
          ['ifix-ua-manual'],
          `Check the server log (${IFIX_CONFIG} → Logging tab) and restart the OPC UA Server for iFIX.`,
        ),
        historian: fix(
          ['hist-logs'],
          `Check the Historian logs in ${HIST_LOGS} and the Windows Event Viewer.`,
        ),
      },
    },
    'connection-dropped': {
      fix: {
        ifix: fix(
          ['ifix-ua-manual'],
          `Check the server log (${IFIX_CONFIG} → Logging tab) for the refused connection.`,
        ),
        historian: fix(
          ['hist-logs'],
          `Check the Historian logs in ${HIST_LOGS} and the Windows Event Viewer on both ends.`,
        ),
      },
    },
    'endpoint-url-rejected': unverifiedFix(
      "Copy the endpoint URL, path included, from the server's configuration",
    ),
    'advertised-host-unresolvable': unverifiedFix(
      'Add the advertised host name to DNS or to the hosts file of every client',
    ),
    'security-policy-mismatch': { fix: SECURITY },
    'deprecated-security-only': { fix: SECURITY },
    'security-none-only': { fix: SECURITY },
    'client-cert-untrusted': { fix: TRUST_AGENT },
    'client-cert-expired': { fix: TRUST_AGENT },
    'server-cert-untrusted': {
      fix: {
        ifix: fix(
          ['ifix-ua-manual'],
          `${IFIX_CONFIG} → Certificate tab shows the server certificate: compare its thumbprint with {serverThumbprint}.`,
        ),
        historian: fix(
          ['hist-hda'],
          `The server certificate is made with ${HIST_TOOL}: compare its thumbprint with {serverThumbprint}.`,
        ),
      },
    },
    'server-cert-expired': {
      fix: {
        ifix: fix(
          ['ifix-ua-manual'],
          `${IFIX_CONFIG} → Certificate tab → "Generate Self-Signed", then trust the new certificate on every client.`,
        ),
        historian: fix(
          ['hist-hda'],
          `Make a new server certificate with ${HIST_TOOL} and trust it on every client.`,
        ),
      },
    },
    'cert-hostname-mismatch': {
      fix: {
        ifix: fix(
          ['ifix-ua-manual'],
          `${IFIX_CONFIG} → Certificate tab: generate a certificate for the name clients dial.`,
        ),
        historian: fix(
          ['hist-hda'],
          `Make a server certificate for the name clients dial with ${HIST_TOOL}.`,
        ),
      },
    },
    'cert-uri-mismatch': {
      fix: {
        ifix: fix(
          ['ifix-ua-manual'],
          `${IFIX_CONFIG} → Certificate tab → "Generate Self-Signed" so the certificate URI matches the server again.`,
        ),
        historian: fix(
          ['hist-hda'],
          `Make a new server certificate with ${HIST_TOOL} so its URI matches the server's applicationUri.`,
        ),
      },
    },
    'clock-skew': {
      fix: {
        ifix: fix([], 'Sync the SCADA node clock (Windows Time, w32tm) to the plant time source.'),
        historian: fix([], 'Sync the Historian server and collector clocks (Windows Time, w32tm).'),
      },
    },
    'anonymous-disabled': {
      causes: [
        {
          text: 'The Proficy Historian OPC UA HDA server does not support anonymous login.',
          source: 'hist-hda',
          product: 'historian',
        },
      ],
      fix: {
        ifix: fix(
          ['ifix-ua-manual', 'ifix-unknown'],
          `Probe with --user/--password, or allow anonymous in ${IFIX_CONFIG} → Security tab (the default is unverified).`,
        ),
        historian: fix(
          ['hist-hda'],
          'Log in with a Historian user (probe with --user/--password) or a certificate; anonymous is not supported.',
        ),
      },
    },
    'bad-credentials': {
      fix: {
        ifix: fix(['ifix-ua-manual'], `Check the user in ${IFIX_CONFIG} → Security tab.`),
        historian: fix(['hist-hda'], 'Check the Historian user and its password.'),
      },
    },
    'too-many-sessions': unverifiedFix(
      'Stop clients that hold sessions; the session limit is not documented',
    ),
    'server-busy': {
      fix: {
        ifix: fix(
          ['ifix-failover'],
          'Check the SCADA node role (SCADA Sync Monitor; F_SCADASTATUS active/standby): a standby node may not serve data.',
        ),
        historian: fix(
          ['hist-collectors'],
          `Check the server and collector states in ${HIST_ADMIN} (Started, Stopped, Running, Paused, Unknown).`,
        ),
      },
    },
    'message-too-large': unverifiedFix(
      'Read fewer tags per request; the message size limit is not documented',
    ),
    'device-not-communicating': {
      causes: [
        {
          text: 'A Historian collector stopped or its heartbeat went stale: the collector died or cannot reach the Historian server.',
          source: 'hist-collectors',
        },
        {
          text: "Historian 2024 remote collectors need the server's root certificates (mTLS) or the handshake fails.",
          source: 'hist-mtls',
          product: 'historian',
        },
      ],
      shows: [
        {
          text: `${HIST_ADMIN}: the collector status Stopped or Unknown; OVERRUNS above 0 means lost data`,
          source: 'hist-collectors',
        },
      ],
      fix: {
        historian: fix(
          ['hist-collectors', 'hist-logs', 'hist-mtls'],
          `${HIST_ADMIN}: check collector {device} (status Running/Stopped; OVERRUNS must stay 0).`,
          `Read the collector log in ${HIST_LOGS}; buffered data waits in BufferFiles\\*.msq.`,
          "Historian 2024 remote collectors need the server's root certificates (…\\Proficy Historian\\MTLS).",
        ),
        ifix: fix(
          ['hist-collectors', 'ifix-failover'],
          'On SCADA node {device}: HIST_STATUS.A_CV says Running/Stopped, HIST_HEARTBEAT.F_CV alarms after 60 s without a beat; restart the collector if the heartbeat is stale.',
          'Check the SCADA Sync Monitor and …\\Proficy\\iFIX\\LOCAL\\scadasync.log.',
        ),
      },
    },
  },
);
