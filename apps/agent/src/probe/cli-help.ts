// --help texts: they teach (examples, every flag, exit codes), since a tech at 2 am reads them.
export const PROBE_HELP = `Usage: cellfleet-agent probe <opc.tcp-url> [options]

Walks the connection ladder to an OPC UA server (URL, DNS, TCP, Hello, GetEndpoints,
endpoint choice, certificates, secure channel, session, reads), stops at the first failing
step and says why, with fix steps for the server's platform first: Kepware, Ignition,
FactoryTalk, AVEVA, WinCC, Proficy or a generic server. The platform is detected from what the
server says about itself, the URL path and the default port; the output says why.

Examples:
  cellfleet-agent probe opc.tcp://127.0.0.1:49320
  cellfleet-agent probe opc.tcp://gateway:62541 --user opcuauser --password '…'
  cellfleet-agent probe opc.tcp://10.0.0.5:4840 --security sign-and-encrypt --json
  cellfleet-agent probe opc.tcp://plc:4840 --allow-none --timeout 5000
  cellfleet-agent probe opc.tcp://kepware:49320 --capture /tmp/kepware.pcapng

Options:
  --user U               log in as U (default: anonymous)
  --password P           password for --user; never printed, logged or put in JSON
  --security MODE        auto | none | sign | sign-and-encrypt (default auto: the strongest
                         endpoint offered; Basic128Rsa15 and Basic256 are refused)
  --allow-none           in auto mode, accept SecurityMode None when no usable secure
                         endpoint exists (reported as a finding)
  --trust-on-first-use   trust the server certificate if this agent has never seen it
  --pki DIR              the agent's PKI folder (own/ trusted/ rejected/), created if missing
                         (default ~/.cellfleet/pki); keep it: servers trust this certificate
  --timeout MS           upper bound for the whole probe, 100..600000 (default 10000)
  --vendor V             override the detected platform: a vendor (kepware, ignition,
                         rockwell, aveva, siemens, ge, generic) or a product line
                         (ftlg, optix, wincc-unified, wincc-oa, oi-server, pi-opcua,
                         ifix, historian, kepserverex, kepware-edge, ignition-81, ignition-83)
  --capture FILE         write the probe's own connections as pcapng to FILE (Wireshark
                         decodes it as OPC UA: Hello, Acknowledge/Error with status codes,
                         OpenSecureChannel); MSG bodies after the handshake are cut to 32
                         bytes, so user tokens and passwords are never in the file
  --json                 print one JSON object: ok, steps[], diagnosis{code,…}, findings[],
                         server.buildInfo, vendorDetection{vendor,confidence,evidence}, certificates
  -h, --help             this text

Exit codes:
  0  connected, session opened, server healthy (diagnosis "ok")
  1  a diagnosed failure or problem (see the diagnosis code)
  2  bad usage (the message names the flag or value)

Server certificate not trusted yet? See: cellfleet-agent trust --help
`;
