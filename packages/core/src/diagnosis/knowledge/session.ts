// Codes for the session and data rungs. Sources: research §2.3 A6–A7, C17–C18, D20;
// Kepware user manager and anonymous defaults (node-opcua #693), Ignition defaults
// (opcuauser / password, anonymous off on new installs).
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

export const SESSION: Partial<Record<DiagnosisCode, Knowledge>> = {
  'anonymous-disabled': {
    severity: 'error',
    summary: 'The server does not allow anonymous login and no user was configured ({detail}).',
    causes: [
      { text: 'Kepware ships with "Allow anonymous login" = No.', vendor: 'kepware' },
      { text: "Ignition's OPC UA server has no anonymous access on new installs.", vendor: 'ignition' },
      { text: 'The server requires a user name or certificate identity.' },
    ],
    remediation: [
      kepware([
        'Preferred: create a user in Settings → User Manager and probe with --user/--password.',
        'Or Project Properties → OPC UA → Allow anonymous login = Yes.',
        KEPWARE_REINIT,
      ]),
      kepwareEdge(['Create a user for OPC UA clients in the Edge user manager and use it here.']),
      ignition81([
        "Use an account of the server's User Source (new installs: opcuauser).",
        'Anonymous access is set in Config → OPC UA → Server Settings.',
      ]),
      ignition83([
        "Use an account of the OPC UA server's User Source.",
        'Anonymous access is set in OPC UA Server Settings.',
      ]),
      generic(['Configure a user on the device or enable anonymous access in its OPC UA settings.']),
    ],
    otherClientsShow: [
      'Bad_IdentityTokenInvalid (0x80200000)',
      'node-opcua: "Cannot find ANONYMOUS user token policy"',
    ],
    verification: 'The session step passes with the configured identity.',
  },
  'bad-credentials': {
    severity: 'error',
    summary: 'The server rejected the user name or password ({detail}).',
    causes: [
      { text: 'Wrong user name or password, or the password was changed.' },
      { text: 'The user exists but has no right to connect over OPC UA.' },
      { text: 'The user is not in the User Source the OPC UA server is set to use.', vendor: 'ignition' },
      { text: 'The user is disabled in the Kepware User Manager.', vendor: 'kepware' },
    ],
    remediation: [
      kepware([
        'Settings → User Manager: check the user is enabled and its password.',
        'Project Properties → OPC UA: check which users may log in.',
      ]),
      kepwareEdge(['Check the user and its password in the Edge user manager.']),
      ignition81([
        'Config → OPC UA → Server Settings → User Source: check the user exists in that source.',
        IGNITION_RESTART,
      ]),
      ignition83(['OPC UA Server Settings → User Source: check the user exists there.', IGNITION_RESTART]),
      generic(['Check the user and password in the device configuration.']),
    ],
    otherClientsShow: ['Bad_UserAccessDenied (0x801F0000)', 'Bad_IdentityTokenRejected (0x80210000)'],
    verification: 'The session step passes with the corrected credentials.',
  },
  'too-many-sessions': {
    severity: 'error',
    summary: 'The server has no free session or connection slot ({detail}).',
    causes: [
      { text: 'Clients that never close their sessions (they linger until the session timeout).' },
      { text: 'The configured maximum is lower than the number of clients that legitimately connect.' },
      { text: 'A client in a reconnect loop opening new sessions.' },
    ],
    remediation: [
      kepware([
        'Project Properties → OPC UA → Client Sessions → Max. connections: raise it.',
        'Read _System._OpcClientNames to find leaked clients.',
        KEPWARE_REINIT,
      ]),
      kepwareEdge(['Raise the maximum connections in the project OPC UA properties.', EDGE_REINIT]),
      ignition81(['Status → Connections → OPC UA Server: find clients holding many sessions.']),
      ignition83(['Check the OPC UA server connections status page for clients holding many sessions.']),
      generic([
        'Find and stop clients that do not close sessions; raise the session limit if the device allows.',
      ]),
    ],
    otherClientsShow: [
      'Bad_TooManySessions (0x80560000)',
      'Bad_MaxConnectionsReached (0x80B70000)',
      'Bad_TcpNotEnoughResources',
    ],
    verification: 'The session step passes; session diagnostics show current sessions below the limit.',
  },
  'server-busy': {
    severity: 'error',
    summary: 'The server is not in a normal running state ({detail}).',
    causes: [
      { text: 'The server is starting up, shutting down or suspended.' },
      { text: 'The server is overloaded.' },
      { text: 'A project load or runtime reinitialize is in progress.', vendor: 'kepware' },
    ],
    remediation: [
      kepware([
        'Wait for the project load to finish; check the event log; restart the runtime if the state stays abnormal.',
      ]),
      ignition81([
        'Check Status → Overview and the Gateway log; restart the OPC UA module if it stays abnormal.',
      ]),
      ignition83(['Check the Gateway status page and log; restart the OPC UA module if it stays abnormal.']),
      generic(['Check the device CPU load and state; restart the runtime if it does not recover.']),
    ],
    otherClientsShow: ['Bad_ServerHalted', 'Bad_TcpServerTooBusy', 'Bad_Timeout on reads'],
    verification: 'ServerStatus.State reads Running on a new probe.',
  },
  'message-too-large': {
    severity: 'error',
    summary: 'A message exceeded the negotiated size limits ({detail}).',
    causes: [
      {
        text: "A large array, string or browse result beyond the server's or client's maximum message size.",
      },
      { text: 'A very large address space read in one request.' },
    ],
    remediation: [
      kepware([
        'Read fewer items per request; large tag blocks may need splitting in the device configuration.',
      ]),
      ignition81([
        "Raise the OPC UA server's Max Message Size in the advanced server settings if this is expected.",
        IGNITION_RESTART,
      ]),
      ignition83([
        "Raise the OPC UA server's maximum message size in the advanced server settings.",
        IGNITION_RESTART,
      ]),
      generic(['Reduce the request size, or raise the message size limits on both sides.']),
    ],
    otherClientsShow: [
      'Bad_TcpMessageTooLarge (0x80800000)',
      'Bad_ResponseTooLarge',
      'Bad_EncodingLimitsExceeded',
    ],
    verification: 'The reads step passes.',
  },
  'device-not-communicating': {
    severity: 'error',
    summary: 'The OPC UA server is healthy, but the device behind it is not communicating ({detail}).',
    causes: [
      { text: 'The PLC is off, unplugged, or its IP address changed.' },
      { text: 'The driver settings (IP, slot, station) do not match the device.' },
      { text: 'The device was disabled or demoted after repeated failures.' },
    ],
    remediation: [
      kepware([
        "Check the device's _System._Error and _SecondsInError; check the event log for the driver's error.",
        'Check the device IP and ID in the device properties; check _System._Enabled.',
      ]),
      kepwareEdge([
        'Check the device status and driver errors in the Edge event log (Configuration API /config/v1/event_log).',
      ]),
      ignition81([
        'Config → OPC UA → Device Connections: the device status shows the reason; check its host name and port.',
      ]),
      ignition83([
        'Connections → Devices: the device status shows the reason; check its host name and port.',
      ]),
      generic(['Check the controller, its cabling and the field network.']),
    ],
    otherClientsShow: [
      'Tag quality Bad_NoCommunication / Bad_CommunicationError / Bad_WaitingForInitialData',
    ],
    verification: 'Device tags read Good and the vendor device status is connected.',
  },
};
