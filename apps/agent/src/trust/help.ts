// `cellfleet-agent trust --help`: examples first, since a tech at 2 am reads them.
export const TRUST_HELP = `Usage: cellfleet-agent trust [list | show <prefix> | accept <prefix> | reject <prefix>]
                             [--config FILE | --pki DIR] [--json]

Server certificates this agent has seen but does not trust wait in <pki>/rejected/.
The agent never trusts them on its own. Compare the thumbprint with the one the server
shows for its own certificate (Kepware: OPC UA Configuration Manager → Instance
Certificates; Ignition: Config → OPC UA → Security → Server), then accept it here.

Examples:
  cellfleet-agent trust list --config /etc/cellfleet/agent.yaml
                                   certificates the running agent refused (its <dataDir>/pki)
  cellfleet-agent trust show 3FA2C1 --config agent.yaml
                                   subject, URI, validity and where the file is
  cellfleet-agent trust accept 3FA2C1 --config agent.yaml
                                   trust the certificate whose SHA-1 thumbprint starts with
                                   3FA2C1 (colons and case ignored); the agent uses it at its
                                   next probe, no restart needed
  cellfleet-agent trust reject 3FA2C1 --config agent.yaml
                                   withdraw trust: the certificate goes back to rejected/
  cellfleet-agent trust 3FA2C1     the same as accept

Options:
  --config FILE  the agent's config: use the PKI that "cellfleet-agent run" uses (<dataDir>/pki)
  --pki DIR      a PKI folder directly (what "cellfleet-agent probe --pki DIR" used)
                 (neither: ~/.cellfleet/pki, the folder "probe" uses by default)
  --json         JSON output for list and show
  -h, --help     this text

On a Linux service, run it as the service's user so new files stay readable by the agent:
  sudo -u cellfleet cellfleet-agent trust list --config /etc/cellfleet/agent.yaml

Exit codes: 0 done, 1 no such certificate, 2 bad usage, unreadable config or ambiguous prefix
`;
