// What differs on this platform, per diagnosis code: causes, fix steps per product line and
// what its own clients show. Part of the siemens profile (siemens.ts); sources are cited by id there.
import { advise, fix } from './types.ts';

const CERTSTORE = 'C:\\ProgramData\\SCADAProjects\\Certstore';
const RT_SETTINGS = 'TIA Portal → Runtime settings → OPC UA server';
const TRACE =
  'the Runtime trace (WinCCUnified\\bin\\RTILtraceViewer.exe; traces under [ProgramData]/Siemens/Automation/Logfiles)';
const OA_RESTART = 'Restart the OPC UA Server manager of the WinCC OA project.';
const OA_CERT_PANEL = 'System Management → Driver OPC → OPC UA Certificate';

const TRUST_AGENT = {
  'wincc-unified': fix(
    ['unified-help'],
    `PC Runtime: SIMATIC Runtime Manager → trust the client certificate {thumbprint} (untrusted → trusted). Rejected certificates wait in ${CERTSTORE}\\Trusted\\untrusted (path as printed in the manual).`,
    `Or put the agent certificate into ${CERTSTORE}\\Trusted\\certs beforehand; for CA-issued certificates import the root and its CRL.`,
    'Unified Comfort Panel: Control Panel → Security > Certificates → store "Other Certificates" → the certificate with status "Untrusted" → Trust.',
    'Trust applies on the next connection attempt; no restart.',
  ),
  'wincc-oa': fix(
    ['oa-cert'],
    `${OA_CERT_PANEL} → "Accept Certificates": accept the agent certificate {thumbprint} ({agentUri}). This moves the file from rejected to certs; openssl must be on the PATH.`,
  ),
};

const SECURITY = {
  'wincc-unified': fix(
    ['unified-help'],
    `${RT_SETTINGS}: select Basic256Sha256 (Basic128Rsa15, Basic256 and Basic256Sha256 are each selectable). Avoid "No OPC UA Server Security": it lets any client in.`,
  ),
  'wincc-oa': fix(
    ['oa-unknown'],
    'Enable Basic256Sha256 with SignAndEncrypt in the [opcuasrv] section of the project config (the entry name is not in the sources Cellfleet has; unverified).',
    OA_RESTART,
  ),
};

const REPLACE_CERT = {
  'wincc-unified': fix(
    ['unified-help'],
    `Replace the Runtime's server certificate in ${CERTSTORE}\\own (key in private) and restart Runtime; with a missing, invalid or expired certificate WinCC Unified stops its UA server at start.`,
    'Trust the new certificate on every client (cellfleet-agent trust).',
  ),
  'wincc-oa': fix(
    ['oa-cert'],
    'Replace the server certificate ([opcuasrv] serverCertificate; the default is self-signed) with one for the right host name and URI.',
    OA_RESTART,
    'Trust the new certificate on every client (cellfleet-agent trust).',
  ),
};

export const SIEMENS_ADVICE = advise({
  'port-closed': {
    causes: [
      {
        text: 'WinCC Unified Runtime is running but its OPC UA server stopped at start: it does so when its own certificate or key is missing, invalid or expired (a trace entry says so).',
        source: 'unified-help',
        product: 'wincc-unified',
      },
      {
        text: '"Operate as OPC UA server" is off in the Runtime settings, or the Unified Runtime licence is missing.',
        source: 'unified-help',
        product: 'wincc-unified',
      },
      {
        text: 'The OPC UA Server manager is not running, or the licence lacks the "OPC UA Server" option (CodeMeter; not in the base licence).',
        source: 'oa-server',
        product: 'wincc-oa',
      },
    ],
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        `If Runtime is running, check the server certificate in ${CERTSTORE}\\own and ${TRACE}: a bad certificate stops the UA server.`,
        `${RT_SETTINGS} > General: "Operate as OPC UA server" on (needs a valid Unified Runtime licence); port {port} (default 4890).`,
        'Allow TCP {port} inbound on the Runtime PC firewall.',
      ),
      'wincc-oa': fix(
        ['oa-server'],
        'Check that the "OPC UA Server (DA/AC/HA)" manager of the project runs and that the licence has the "OPC UA Server" option.',
        'It listens on TCP 4840 by default (extra instances on other ports): allow the port inbound.',
      ),
    },
  },
  'tcp-timeout': {
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        'Allow TCP {port} (default 4890) inbound on the Runtime PC or panel and every firewall in between.',
      ),
      'wincc-oa': fix(
        ['oa-server'],
        'Allow TCP {port} (default 4840) inbound on the WinCC OA server and every firewall in between.',
      ),
    },
  },
  'not-opcua': {
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        'WinCC Unified speaks UA-TCP binary only, at opc.tcp://[HostName]:[Port] (default 4890): dial that port.',
      ),
      'wincc-oa': fix(
        ['oa-server'],
        'Dial the OPC UA server port: 4840 by default; extra server instances use other ports.',
      ),
    },
  },
  'handshake-timeout': {
    fix: {
      'wincc-unified': fix(['unified-help'], `Check ${TRACE}; restart Runtime if the UA server hangs.`),
      'wincc-oa': fix(['oa-server'], OA_RESTART),
    },
  },
  'connection-dropped': {
    causes: [
      {
        text: 'The 100-session limit may be reached; whether WinCC Unified then answers BadTooManySessions or closes the socket is unverified.',
        source: 'siemens-limits',
        product: 'wincc-unified',
      },
      {
        text: 'The 50-client limit of the WinCC OA OPC UA server may be reached, with stale sessions holding slots; whether it answers with a status code or closes the socket is unverified.',
        source: 'siemens-limits',
        product: 'wincc-oa',
      },
    ],
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        `Check ${TRACE} for the refused connection; stop clients that leak sessions.`,
      ),
      'wincc-oa': fix(
        ['oa-notes'],
        'Sessions can be reported ended up to ~20 min after the connection dropped: wait, or restart the OPC UA Server manager to free the slots.',
      ),
    },
  },
  'endpoint-url-rejected': {
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        'The endpoint is opc.tcp://[HostName]:[Port] with no path: drop any path from the URL.',
      ),
      'wincc-oa': fix(
        ['oa-unknown'],
        'Dial opc.tcp://<host>:4840 without a path (no path is documented; unverified).',
      ),
    },
  },
  'advertised-host-unresolvable': {
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        "The endpoint carries the Runtime PC's host name ([HostName]): add it to DNS or to the hosts file of every client.",
      ),
      'wincc-oa': fix([], "Add the WinCC OA server's host name to DNS or to the hosts file of every client."),
    },
  },
  'security-policy-mismatch': { fix: SECURITY },
  'deprecated-security-only': { fix: SECURITY },
  'security-none-only': {
    causes: [
      {
        text: '"No OPC UA Server Security" is selected: it lets any client in.',
        source: 'unified-help',
        product: 'wincc-unified',
      },
    ],
    fix: SECURITY,
  },
  'client-cert-untrusted': {
    causes: [
      {
        text: 'The WinCC OA server also checks the client applicationUri against its certificate ({agentUri}).',
        source: 'oa-cert',
        product: 'wincc-oa',
      },
    ],
    fix: TRUST_AGENT,
  },
  'client-cert-expired': { fix: TRUST_AGENT },
  'server-cert-untrusted': {
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        `The server certificate is in ${CERTSTORE}\\own: compare its thumbprint with {serverThumbprint} before trusting it.`,
      ),
      'wincc-oa': fix(
        ['oa-cert'],
        'The server uses a self-signed default certificate unless [opcuasrv] serverCertificate names another: compare its thumbprint with {serverThumbprint}.',
      ),
    },
  },
  'server-cert-expired': { fix: REPLACE_CERT },
  'cert-hostname-mismatch': { fix: REPLACE_CERT },
  'cert-uri-mismatch': { fix: REPLACE_CERT },
  'clock-skew': {
    fix: {
      'wincc-unified': fix(
        [],
        'Sync the Runtime PC or panel clock to the plant time source (Windows Time on a PC).',
      ),
      'wincc-oa': fix([], 'Sync the WinCC OA server clock to the plant time source (NTP).'),
    },
  },
  'anonymous-disabled': {
    causes: [
      {
        text: '"Enable guest authentication" is off in the OPC UA server Runtime settings.',
        source: 'unified-help',
        product: 'wincc-unified',
      },
      {
        text: 'WinCC OA ships with anonymous login off ([opcuasrv] enableAnonymous).',
        source: 'oa-auth',
        product: 'wincc-oa',
      },
    ],
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        'Preferred: a Runtime user with the role "HMI Administrator" (function right "OPC UA - read and write access"), synchronised to Runtime; probe with --user/--password.',
        `Or ${RT_SETTINGS}: "Enable guest authentication" (anonymous).`,
      ),
      'wincc-oa': fix(
        ['oa-auth'],
        'Probe with --user/--password: any active WinCC OA user with the right password is accepted.',
        'Or set [opcuasrv] enableAnonymous; it takes effect after a restart of the OPC UA Server manager.',
      ),
    },
  },
  'bad-credentials': {
    causes: [
      {
        text: 'The user lacks the "HMI Administrator" role or was not synchronised to Runtime.',
        source: 'unified-help',
        product: 'wincc-unified',
      },
    ],
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        'The user needs the role "HMI Administrator" (function right "OPC UA - read and write access") and must be synchronised to Runtime.',
      ),
      'wincc-oa': fix(
        ['oa-auth'],
        'The user must be an active WinCC OA user; only its password is checked, not its permissions.',
      ),
    },
  },
  'too-many-sessions': {
    causes: [
      {
        text: 'WinCC Unified allows 100 sessions by default.',
        source: 'unified-help',
        product: 'wincc-unified',
      },
      {
        text: 'The WinCC OA SDK fixes the limit at 50 clients; its client count can be wrong and a session end can be reported up to ~20 min late, so stale sessions hold slots.',
        source: 'oa-notes',
        product: 'wincc-oa',
      },
    ],
    fix: {
      'wincc-unified': fix(
        ['unified-help'],
        `Raise the maximum number of sessions in ${RT_SETTINGS} (default 100), or stop clients that leak sessions.`,
      ),
      'wincc-oa': fix(
        ['oa-notes', 'oa-server'],
        'Wait up to ~20 min for stale sessions to be released, or restart the OPC UA Server manager.',
        'The 50 is fixed: spread clients over another server instance on another port.',
      ),
    },
  },
  'server-busy': {
    fix: {
      'wincc-unified': fix(['unified-help'], `Check ${TRACE}; restart Runtime if the state stays abnormal.`),
      'wincc-oa': fix(['oa-server'], OA_RESTART),
    },
  },
  'message-too-large': {
    fix: {
      'wincc-unified': fix(
        ['siemens-limits'],
        "Read fewer tags per request; the Runtime's message size limit is unverified.",
      ),
      'wincc-oa': fix(
        ['siemens-limits'],
        "Read fewer data point elements per request; the server's message size limit is unverified.",
      ),
    },
  },
  'device-not-communicating': {
    causes: [
      {
        text: 'The driver connection reports Common.State.ConnState Not Connected (1) or Failure (5).',
        source: 'oa-connstate',
        product: 'wincc-oa',
      },
      {
        text: 'The HMI connection to the PLC is down, so its tags read Bad.',
        source: 'unified-help',
        product: 'wincc-unified',
      },
    ],
    fix: {
      'wincc-oa': fix(
        ['oa-connstate', 'oa-s7plus'],
        'Check the connection data point {device}: Common.State.ConnState (1 Not Connected, 5 Failure, 256 Connected); for S7Plus also its _S7PlusConnection state (Logged in, PLC Run/Stop).',
        'Check that the driver manager runs (_Connections.Driver.ManNums).',
      ),
      'wincc-unified': fix(
        ['unified-help'],
        "Check the HMI connection {device} to the PLC: the PLC's power, network link and address.",
      ),
    },
  },
});
