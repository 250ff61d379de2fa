// Codes for endpoint security and certificates. Sources: research §0.5–0.7, §2.3 B8–B16
// (trust workflows of Kepware's OPC UA Configuration Manager and Ignition's Security page),
// OPC UA Part 4 §5.5.2 (servers hide which certificate check failed: BadSecurityChecksFailed).
import type { DiagnosisCode } from '../codes.ts';
import {
  EDGE_REINIT,
  generic,
  IGNITION_RESTART,
  ignition81,
  ignition83,
  KEPWARE_REINIT,
  type Knowledge,
  kepware,
  kepwareEdge,
} from './types.ts';

const AGENT_TRUST_STEPS = {
  kepware: [
    'Probe once so the server records the agent certificate as rejected (done by this probe).',
    'On the Kepware host: tray icon → OPC UA Configuration → Trusted Clients.',
    "Select the certificate with thumbprint {thumbprint} ({agentUri}) → Trust (or Import the agent's DER file).",
    KEPWARE_REINIT,
  ],
  edge: [
    'Trust the client certificate with thumbprint {thumbprint} through the Kepware Edge administration (Configuration API admin section).',
    EDGE_REINIT,
  ],
  ignition81: [
    'Config → OPC UA → Security → Server tab → Quarantined Certificates.',
    'Find the certificate with thumbprint {thumbprint} ({agentUri}) → Trust.',
  ],
  ignition83: [
    'Config → Connections → OPC → Security → Server tab.',
    'On the quarantined certificate with thumbprint {thumbprint}: ⋮ menu → Trust.',
  ],
};

export const SECURITY: Partial<Record<DiagnosisCode, Knowledge>> = {
  'security-policy-mismatch': {
    severity: 'error',
    summary: 'No endpoint offers the requested security: {detail}.',
    causes: [
      { text: 'The requested mode (Sign / SignAndEncrypt / None) is disabled on the server.' },
      { text: 'The server offers only policies this agent does not support.' },
    ],
    remediation: [
      kepware([
        'OPC UA Configuration → Server Endpoints → Edit: tick Basic256Sha256 with Sign and Encrypt.',
        KEPWARE_REINIT,
      ]),
      kepwareEdge([
        'Enable Basic256Sha256 SignAndEncrypt on the UA endpoint (/config/v1/admin/ua_endpoints).',
        EDGE_REINIT,
      ]),
      ignition81([
        'Config → OPC UA → Server Settings → Security Policies: add Basic256Sha256.',
        IGNITION_RESTART,
      ]),
      ignition83(['OPC UA Server Settings → Security Policies: add Basic256Sha256.', IGNITION_RESTART]),
      generic([
        "Enable Basic256Sha256 (or Aes128_Sha256_RsaOaep) with SignAndEncrypt in the device's OPC UA settings.",
        'Or probe with --security auto to let the agent pick.',
      ]),
    ],
    otherClientsShow: [
      'Ignition: Bad_SecurityPolicyRejected',
      'UaExpert: no matching endpoint in the endpoint list',
    ],
    verification: 'The select-endpoint step names the policy chosen and the secure-channel step passes.',
  },
  'deprecated-security-only': {
    severity: 'error',
    summary: 'The server offers only deprecated security policies ({detail}); current runtimes refuse them.',
    causes: [
      { text: 'An old server or firmware that predates Basic256Sha256.' },
      { text: 'Basic256Sha256 was unticked on the endpoint.' },
    ],
    remediation: [
      kepware([
        'OPC UA Configuration → Server Endpoints → Edit: enable Basic256Sha256, untick Basic128Rsa15 and Basic256.',
        KEPWARE_REINIT,
      ]),
      kepwareEdge(['Enable Basic256Sha256 on the UA endpoint.', EDGE_REINIT]),
      ignition81([
        'Server Settings → Security Policies: use Basic256Sha256 (Ignition 8.1 supports it).',
        IGNITION_RESTART,
      ]),
      ignition83([
        'OPC UA Server Settings → Security Policies: use Basic256Sha256 or the Aes policies.',
        IGNITION_RESTART,
      ]),
      generic(['Update the firmware to one that supports Basic256Sha256.', '{allowNone}']),
    ],
    otherClientsShow: [
      'Ignition 8.x: Bad_SecurityPolicyRejected for Basic128Rsa15',
      'Node-based clients: "socket has been disconnected by third party"',
    ],
    verification: 'GetEndpoints lists Basic256Sha256 and the secure-channel step passes.',
  },
  'security-none-only': {
    severity: 'warning',
    summary: 'The connection is unencrypted and unsigned (SecurityMode None): {detail}.',
    causes: [
      { text: 'Secure endpoints were never configured on this server.' },
      { text: 'Security was switched off to get a client working and not switched back on.' },
    ],
    remediation: [
      kepware([
        'OPC UA Configuration → Server Endpoints → Edit: enable Basic256Sha256 Sign and Encrypt; untick None when every client can.',
        KEPWARE_REINIT,
      ]),
      kepwareEdge(['Enable a Basic256Sha256 SignAndEncrypt endpoint.', EDGE_REINIT]),
      ignition81([
        'Server Settings → Security Policies: add Basic256Sha256 and remove None.',
        IGNITION_RESTART,
      ]),
      ignition83(['OPC UA Server Settings: add Basic256Sha256 and remove None.', IGNITION_RESTART]),
      generic(['Enable a signed and encrypted endpoint in the device configuration.']),
    ],
    otherClientsShow: [
      'Clients connect without warnings, but traffic and passwords can be read or altered on the wire.',
    ],
    verification: 'A probe in auto mode selects SignAndEncrypt.',
  },
  'client-cert-untrusted': {
    severity: 'error',
    summary: "The server does not trust this agent's certificate (thumbprint {thumbprint}).",
    causes: [
      {
        text: 'The agent is new, or its certificate was regenerated, and nobody trusted it on the server yet.',
      },
      { text: 'Trust was granted but the Kepware runtime was not reinitialized.', vendor: 'kepware' },
      {
        text: 'The certificate was trusted on another Gateway of a redundant pair only.',
        vendor: 'ignition',
      },
      { text: 'The certificate was revoked or moved to rejected by an administrator.' },
    ],
    remediation: [
      kepware(AGENT_TRUST_STEPS.kepware),
      kepwareEdge(AGENT_TRUST_STEPS.edge),
      ignition81(AGENT_TRUST_STEPS.ignition81),
      ignition83(AGENT_TRUST_STEPS.ignition83),
      generic([
        "In the device's OPC UA certificate management, move the agent certificate ({thumbprint}) from rejected to trusted.",
      ]),
    ],
    otherClientsShow: [
      'Server logs: Bad_SecurityChecksFailed (0x80130000)',
      'Kepware event log: "The UA Client certificate ... has been rejected"',
    ],
    verification: 'The secure-channel step passes; Kepware logs that the certificate has been trusted.',
  },
  'client-cert-expired': {
    severity: 'error',
    summary: "This agent's certificate is outside its validity period ({detail}).",
    causes: [
      { text: 'The certificate reached its end date.' },
      { text: 'The IPC clock is wrong, so a valid certificate looks expired or not yet valid.' },
    ],
    remediation: [
      generic([
        'Check the IPC clock (timedatectl) and NTP first.',
        'Renew the agent certificate (renew-agent-certificate action, or delete own/certs/client_certificate.pem in the PKI folder and probe again).',
        'Trust the new certificate on the server, as for client-cert-untrusted.',
      ]),
      kepware(AGENT_TRUST_STEPS.kepware),
      ignition81(AGENT_TRUST_STEPS.ignition81),
      ignition83(AGENT_TRUST_STEPS.ignition83),
    ],
    otherClientsShow: [
      'Server logs: Bad_CertificateTimeInvalid (0x80140000), or Bad_SecurityChecksFailed when also untrusted',
    ],
    verification:
      'The certificates step shows the agent certificate valid and the secure-channel step passes.',
  },
  'server-cert-untrusted': {
    severity: 'error',
    summary: 'This agent does not trust the server certificate yet (thumbprint {serverThumbprint}).',
    causes: [
      { text: 'First contact with this server: its certificate has not been approved.' },
      {
        text: 'The server certificate was regenerated (Kepware logs "The UA Server certificate has been reissued").',
      },
      {
        text: "An earlier probe put this certificate into the agent's rejected/ folder: trust on first use never trusts a rejected certificate (cellfleet-agent trust moves it).",
      },
    ],
    remediation: [
      generic([
        'Compare the thumbprint {serverThumbprint} with the one the server shows for its own certificate.',
        'If they match: cellfleet-agent trust {serverThumbprintShort}',
        'Or set trustOnFirstUse: true for this endpoint in the agent config (first contact only).',
      ]),
      kepware(['The server certificate is shown in OPC UA Configuration → Instance Certificates → View.']),
      ignition81(['The server certificate is shown on Config → OPC UA → Security → Server tab.']),
      ignition83(['The server certificate is shown on Connections → OPC → Security → Server tab.']),
    ],
    otherClientsShow: [
      'UaExpert: certificate validation dialog',
      'node-opcua: BadCertificateUntrusted (0x801A0000)',
    ],
    verification: 'The certificates step reports the server certificate as trusted.',
  },
  'server-cert-expired': {
    severity: 'error',
    summary: 'The server certificate is outside its validity period ({detail}).',
    causes: [
      { text: "The server's self-signed certificate reached its end date." },
      { text: "The server clock or this IPC's clock is wrong." },
    ],
    remediation: [
      kepware([
        'OPC UA Configuration → Instance Certificates → Reissue Certificate.',
        KEPWARE_REINIT,
        'Trust the new server certificate on every client (cellfleet-agent trust).',
      ]),
      kepwareEdge([
        'Reissue the UA server instance certificate through the Edge administration.',
        EDGE_REINIT,
      ]),
      ignition81([
        'Config → OPC UA → Security → Server tab: regenerate the server certificate.',
        IGNITION_RESTART,
      ]),
      ignition83([
        'Connections → OPC → Security → Server tab: regenerate the server certificate.',
        IGNITION_RESTART,
      ]),
      generic(['Renew the server certificate in the device configuration; then trust the new one here.']),
    ],
    otherClientsShow: ['UaExpert: BadCertificateTimeInvalid', 'Ignition: Bad_CertificateTimeInvalid'],
    verification: 'The certificates step shows the server certificate valid for more than 30 days.',
  },
  'cert-hostname-mismatch': {
    severity: 'warning',
    summary: "The dialled host {host} is not in the server certificate's names ({detail}).",
    causes: [
      { text: 'Clients dial an IP address or alias that was not in the certificate when it was created.' },
      { text: 'The machine was renamed after the certificate was issued.' },
    ],
    remediation: [
      kepware([
        'Reissue the instance certificate after the host name is final, or dial the name in the certificate.',
      ]),
      ignition81([
        'Regenerate the server certificate with the right host names, or dial the name in the certificate.',
      ]),
      ignition83([
        'Regenerate the server certificate with the right host names, or dial the name in the certificate.',
      ]),
      generic(['Dial a name that is in the certificate, or renew the certificate with this name.']),
    ],
    otherClientsShow: ['UaExpert and .NET clients: BadCertificateHostNameInvalid (0x80160000)'],
    verification: 'The dialled host appears in the certificate SAN on a new probe.',
  },
  'cert-uri-mismatch': {
    severity: 'error',
    summary: 'An application URI does not match its certificate ({detail}).',
    causes: [
      { text: "A certificate was created by hand with a URI other than the application's." },
      { text: 'The server was renamed and its application URI follows the host name.' },
    ],
    remediation: [
      kepware([
        "Reissue the instance certificate so its URI matches the server's application URI.",
        KEPWARE_REINIT,
      ]),
      ignition81(['Regenerate the server certificate.', IGNITION_RESTART]),
      ignition83(['Regenerate the server certificate.', IGNITION_RESTART]),
      generic(['Make the application URI in the configuration equal to the URI in the certificate SAN.']),
    ],
    otherClientsShow: ['Bad_CertificateUriInvalid (0x80170000) at CreateSession'],
    verification: 'The certificates step shows matching URIs and the session step passes.',
  },
  'clock-skew': {
    severity: 'warning',
    summary: "The server clock and this IPC's clock differ by {detail}.",
    causes: [
      { text: 'NTP is not configured or cannot reach its time source on one of the machines.' },
      { text: 'A wrong time zone setting treated as a clock offset (a whole number of hours).' },
    ],
    remediation: [
      kepware(['Configure Windows Time (w32tm) on the Kepware host to the plant NTP server.']),
      ignition81(['Sync the Gateway host clock to NTP.']),
      ignition83(['Sync the Gateway host clock to NTP.']),
      generic(['Configure NTP on the PLC or server and on this IPC (timedatectl).']),
    ],
    otherClientsShow: [
      'Bad_CertificateTimeInvalid on fresh certificates',
      'Bad_InvalidTimestamp on some stacks',
      'Subscriptions timing out',
    ],
    verification: 'The reads step shows the server time within a few seconds of local time.',
  },
  'cert-expiring-soon': {
    severity: 'warning',
    summary: 'A certificate expires soon: {detail}.',
    causes: [{ text: 'Certificates have a fixed end date; nobody renewed this one yet.' }],
    remediation: [
      generic(['Renew the certificate before it expires and trust the new one on the other side.']),
    ],
    otherClientsShow: ['Nothing yet; after the end date: Bad_CertificateTimeInvalid'],
    verification: 'The finding disappears once the renewed certificate is in use.',
  },
};
