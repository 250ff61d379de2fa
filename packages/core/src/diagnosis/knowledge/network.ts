// Codes for the network and transport rungs: URL, DNS, TCP, Hello/Acknowledge, discovery.
// Sources: research §2.3 A1–A5 and B12; PRODUCT.md on Milo turning all of these into
// Bad_ConnectionRejected.
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

const MILO_REJECTED = 'Ignition (Eclipse Milo client): Bad_ConnectionRejected';

export const NETWORK: Partial<Record<DiagnosisCode, Knowledge>> = {
  ok: {
    severity: 'ok',
    summary: 'Connected to {host}:{port}, opened a session and read the server status.',
    causes: [],
    remediation: [],
    otherClientsShow: ['Good'],
    verification: 'Nothing to fix. Probe again after any change to confirm it stays healthy.',
  },
  'invalid-url': {
    severity: 'error',
    summary: 'The address is not a usable opc.tcp URL: {detail}',
    causes: [
      { text: 'Typing error in the URL (scheme, host or port).' },
      { text: 'A bracketed IPv6 literal, which node-opcua does not dial; use a host name or IPv4 address.' },
      { text: 'An http:// or https:// address copied from a web page instead of the opc.tcp endpoint.' },
    ],
    remediation: [
      generic([
        'Write the URL as opc.tcp://<host>:<port>[/path].',
        'Kepware listens on 49320 by default, Ignition on 62541, most PLCs on 4840.',
      ]),
    ],
    otherClientsShow: ['UaExpert: "Invalid URL"', 'Ignition: the connection form refuses to save'],
    verification: 'Probe the corrected URL; the url and dns steps pass.',
  },
  'dns-unresolved': {
    severity: 'error',
    summary: 'The host name {host} does not resolve on this machine ({detail}).',
    causes: [
      { text: 'The name is misspelled or belongs to a machine that was renamed or retired.' },
      { text: 'The IPC has no DNS server configured, or the plant DNS has no record for this name.' },
      { text: 'The name exists only in the hosts file of another machine.' },
    ],
    remediation: [
      generic([
        'Check the name with `getent hosts {host}` (Linux) or `nslookup {host}` (Windows) on this IPC.',
        'Use the IP address, or add the name to DNS or to the hosts file of every client machine.',
      ]),
    ],
    otherClientsShow: [
      `${MILO_REJECTED} (UnknownHostException)`,
      'UaExpert: BadHostUnknown / "Connect failed"',
    ],
    verification: 'Probe again: the dns step lists the resolved addresses.',
  },
  'host-unreachable': {
    severity: 'error',
    summary: 'No route to {host} ({detail}).',
    causes: [
      { text: 'The server machine is off, or its network cable or switch port is down.' },
      { text: 'The IPC and the server are on different subnets with no route (wrong gateway or VLAN).' },
      { text: 'The address is wrong and nothing answers ARP for it.' },
    ],
    remediation: [
      generic([
        'Ping the server from this IPC; check its power, cable and link LEDs.',
        'Check the IP address, netmask and default gateway of both machines, and the VLAN of the switch port.',
      ]),
    ],
    otherClientsShow: [`${MILO_REJECTED} (NoRouteToHostException)`, 'UaExpert: BadCommunicationError'],
    verification: 'Ping answers and the tcp step of a new probe passes.',
  },
  'port-closed': {
    severity: 'error',
    summary: 'Nothing accepts connections on {host}:{port}; the host actively refused (ECONNREFUSED).',
    causes: [
      { text: 'The Kepware runtime service is stopped.', vendor: 'kepware' },
      { text: 'Project Properties → OPC UA → Enable is set to No.', vendor: 'kepware' },
      { text: 'The endpoint is disabled or bound to another network adapter.', vendor: 'kepware' },
      { text: 'The Ignition Gateway or its OPC UA module is stopped.', vendor: 'ignition' },
      { text: 'The OPC UA server binds to localhost only (the Ignition default).', vendor: 'ignition' },
      { text: 'The server process is not running or its OPC UA server is switched off.' },
      { text: 'Wrong port: the server listens on another one.' },
      { text: 'A host firewall that rejects (rather than drops) the connection.' },
    ],
    remediation: [
      kepware([
        'Check the "KEPServerEX 6.x Runtime" service is running (services.msc).',
        'Project Properties → OPC UA → Server Interface → Enable = Yes.',
        'Tray icon → OPC UA Configuration → Server Endpoints: the endpoint is enabled, its port is {port}, the adapter is "Default" or the right NIC.',
        KEPWARE_REINIT,
        'Allow TCP {port} inbound in Windows Defender Firewall.',
      ]),
      kepwareEdge([
        'Check the Kepware Edge runtime service is active (systemctl status on the edge device).',
        'Check the UA endpoint port and enable flag (Configuration API /config/v1/admin/ua_endpoints).',
        EDGE_REINIT,
      ]),
      ignition81([
        'Check the Gateway is running and Status → Modules shows the OPC UA module Running.',
        'Config → OPC UA → Server Settings: Bind Port = {port}; Bind Addresses = 0.0.0.0 (or this NIC) for remote clients.',
        IGNITION_RESTART,
      ]),
      ignition83([
        'Check the Gateway is running and the OPC UA module is Running.',
        'Connections → OPC → OPC UA Server Settings: bind port {port}, bind address 0.0.0.0 or the right NIC.',
        IGNITION_RESTART,
      ]),
      generic([
        'Check the controller or server runtime is on and its OPC UA server is enabled.',
        'Check the port in the device configuration (4840 is the usual default).',
      ]),
    ],
    otherClientsShow: [
      `${MILO_REJECTED} (ConnectException: Connection refused)`,
      'UaExpert: BadCommunicationError / "Connection refused"',
    ],
    verification:
      'A new probe passes the tcp and hello steps (the port accepts and answers an OPC UA Hello).',
  },
  'tcp-timeout': {
    severity: 'error',
    summary: 'Connecting to {host}:{port} never completed: packets are being dropped on the way.',
    causes: [
      { text: 'A firewall between the IPC and the server drops the traffic (no reject, no answer).' },
      { text: 'The Windows firewall on the server has no inbound rule for the port.' },
      { text: 'The address belongs to no live machine on a routed network.' },
    ],
    remediation: [
      kepware([
        "Add a Windows Defender Firewall inbound rule for TCP {port} (Kepware's UA default is 49320).",
      ]),
      ignition81(['Allow TCP {port} (default 62541) inbound on the Gateway host firewall.']),
      ignition83(['Allow TCP {port} (default 62541) inbound on the Gateway host firewall.']),
      generic([
        'Ask the network team to open TCP {port} from this IPC to {host} on every firewall in between.',
        'Check the address: `ping {host}` and `traceroute {host}` show where packets stop.',
      ]),
    ],
    otherClientsShow: [`${MILO_REJECTED} or Bad_Timeout after the connect timeout`, 'UaExpert: BadTimeout'],
    verification: 'The tcp step connects within a few milliseconds on a new probe.',
  },
  'not-opcua': {
    severity: 'error',
    summary: 'Something answers on {host}:{port}, but it does not speak OPC UA ({detail}).',
    causes: [
      { text: 'Wrong port: this is a web or API port (Kepware Configuration API 57412, Ignition web 8088).' },
      { text: 'Another service took the port the OPC UA server wanted.' },
      { text: 'A TLS terminator or proxy sits in front of the server.' },
    ],
    remediation: [
      kepware(['Use the UA port from OPC UA Configuration → Server Endpoints (default 49320), not 57412.']),
      ignition81([
        'Use the OPC UA server port from Config → OPC UA → Server Settings (default 62541), not 8088.',
      ]),
      ignition83([
        'Use the OPC UA server port (default 62541) from OPC UA Server Settings, not the web port.',
      ]),
      generic(['Find the OPC UA port in the device manual or configuration (usually 4840).']),
    ],
    otherClientsShow: [
      'Ignition: Bad_ConnectionRejected or Bad_TcpMessageTypeInvalid',
      'UaExpert: BadTcpMessageTypeInvalid',
    ],
    verification: 'The hello step receives an OPC UA Acknowledge on the new port.',
  },
  'handshake-timeout': {
    severity: 'error',
    summary: 'TCP connected to {host}:{port}, but no OPC UA Acknowledge came back ({detail}).',
    causes: [
      { text: 'The server process is hung or overloaded and accepts sockets without serving them.' },
      { text: 'A middlebox (proxy, port forwarder, IDS) accepts the connection and never forwards it.' },
      { text: 'A non-OPC UA service that waits for the client to speak first.' },
    ],
    remediation: [
      kepware(['Check the Kepware event log for errors; restart the runtime service if it does not answer.']),
      ignition81([
        'Check Status → Diagnostics → Threads and the Gateway log; restart the OPC UA module if stuck.',
      ]),
      ignition83(['Check the Gateway diagnostics and log; restart the OPC UA module if stuck.']),
      generic([
        'Power-cycle or restart the server runtime; check for a proxy or port forwarder in the path.',
      ]),
    ],
    otherClientsShow: ['Ignition: Bad_Timeout', 'UaExpert: BadTimeout / BadConnectionClosed'],
    verification: 'The hello step completes in well under a second on a new probe.',
  },
  'connection-dropped': {
    severity: 'error',
    summary: 'The server at {host}:{port} closed the connection during the handshake ({detail}).',
    causes: [
      { text: 'The server has reached its connection limit.' },
      { text: 'An IP allow-list on the server or a firewall resets connections from this IPC.' },
      { text: 'The server is overloaded or restarting.' },
      { text: 'A crypto failure on the server side (e.g. Basic128Rsa15 on a current Node runtime).' },
    ],
    remediation: [
      kepware([
        'Project Properties → OPC UA → Client Sessions: raise "Max. connections" or close idle clients (_System._ClientCount shows the count).',
        'Check the Kepware event log for rejected connections.',
      ]),
      ignition81([
        'Check Status → Connections → OPC UA for stuck clients; check the Gateway log for the refusal reason.',
      ]),
      ignition83(['Check the OPC UA connections status page and the Gateway log for the refusal reason.']),
      generic(["Check the server's connection limit and IP allow-list; restart it if it is overloaded."]),
    ],
    otherClientsShow: [
      'Ignition: Bad_ConnectionClosed or Bad_ConnectionRejected',
      'UaExpert: BadConnectionClosed',
    ],
    verification: 'The hello and secure-channel steps pass on two probes a minute apart.',
  },
  'endpoint-url-rejected': {
    severity: 'error',
    summary: 'The server refused the endpoint URL in the Hello message (BadTcpEndpointUrlInvalid).',
    causes: [
      { text: "The URL path does not match the server's endpoint (e.g. /discovery or a missing path)." },
      { text: 'The host part differs from the name the server expects (strict stacks check it).' },
    ],
    remediation: [
      kepware(['Use the exact URL shown in OPC UA Configuration → Server Endpoints (no path on Kepware).']),
      ignition81([
        'Use opc.tcp://<host>:62541 (or /discovery only for discovery), as shown in Server Settings.',
      ]),
      ignition83(['Use the endpoint address shown in OPC UA Server Settings.']),
      generic(["Copy the endpoint URL from the device's OPC UA configuration, including the path."]),
    ],
    otherClientsShow: ['UaExpert: BadTcpEndpointUrlInvalid', 'Ignition: Bad_TcpEndpointUrlInvalid'],
    verification: 'The hello step passes with the corrected URL.',
  },
  'advertised-host-unresolvable': {
    severity: 'warning',
    summary: 'The server advertises endpoints on {detail}, which this machine cannot reach by that name.',
    causes: [
      { text: 'The server advertises its Windows computer name, which plant DNS does not know.' },
      { text: 'The server sits behind NAT or in a container and advertises its internal address.' },
      {
        text: 'The Ignition endpoint addresses include <hostname> of a machine that was renamed.',
        vendor: 'ignition',
      },
    ],
    remediation: [
      kepware([
        'OPC UA Configuration → Server Endpoints: bind the endpoint to the network adapter clients use.',
        KEPWARE_REINIT,
      ]),
      ignition81([
        'Config → OPC UA → Server Settings → Endpoint Addresses: list the address clients use.',
        IGNITION_RESTART,
      ]),
      ignition83([
        'OPC UA Server Settings → Endpoint Addresses: list the address clients use.',
        IGNITION_RESTART,
      ]),
      generic([
        'Add the advertised name to DNS or to the hosts file of every client.',
        'Clients that can: keep dialling the reachable address and ignore the advertised host.',
      ]),
    ],
    otherClientsShow: [
      `${MILO_REJECTED} (UnknownHostException on the advertised name)`,
      'UaExpert: "Endpoint URL hostname differs" warning',
    ],
    verification: 'A new probe lists advertised endpoints whose host resolves from this IPC.',
  },
  unknown: {
    severity: 'error',
    summary: 'The {step} step failed with an error these rules do not recognise: {detail}',
    causes: [{ text: 'A failure the diagnosis rules do not recognise yet; the raw error is kept verbatim.' }],
    remediation: [
      generic([
        "Send this probe's JSON output (--json) with the server's log around the same time to support.",
      ]),
    ],
    otherClientsShow: [],
    verification: 'Probe again after any change; the failing step should pass.',
  },
};
