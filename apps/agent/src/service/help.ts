// `cellfleet-agent service --help`.
export const SERVICE_HELP = `Usage: cellfleet-agent service install --config FILE [--no-start]
       cellfleet-agent service status [--config FILE]
       cellfleet-agent service uninstall [--purge]

Makes this executable a system service that starts at boot and restarts after a crash.
Run as root (Linux) or from an elevated prompt (Windows). Details: docs/install.md.

Linux (systemd):
  binary  /opt/cellfleet/bin/cellfleet-agent          (a copy of this executable)
  config  /etc/cellfleet/agent.yaml                   (600, owned by the cellfleet user)
  state   /var/lib/cellfleet                          (outbox, PKI, action ledger)
  unit    /etc/systemd/system/cellfleet-agent.service (own user, ProtectSystem=strict,
          NoNewPrivileges, restart with backoff; a bad config (exit 2) is not restarted)
Windows (Service Control Manager, through the WinSW wrapper inside this .exe):
  binary  C:\\Program Files\\Cellfleet\\cellfleet-agent.exe
  config  C:\\ProgramData\\Cellfleet\\agent.yaml      (SYSTEM, Administrators; the service reads)
  state   C:\\ProgramData\\Cellfleet\\data
  runs as NT AUTHORITY\\LocalService; restarts after 10 s, 30 s, then every 2 min

The installed config is a copy of --config: relative paths become absolute, dataDir moves to
the state folder unless it is already absolute, hub.caFile is copied beside it.

Options:
  --config FILE   the agent config from "cellfleet-hub enroll" (install); status checks this
                  file instead of the installed one
  --no-start      install and enable, but do not start now
  --purge         uninstall also removes the config and the state (the agent's certificate,
                  which your OPC UA servers trust, goes with it)
  --root DIR      write under DIR instead of / (Linux) or C:\\ (Windows), and only enable the
                  unit there: for tests and image builds
  --binary FILE   install FILE instead of this executable
  -h, --help      this text

Exit codes: 0 done (status: installed and sound), 1 a step failed (status: a problem), 2 bad usage
`;
