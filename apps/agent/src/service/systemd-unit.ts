// The systemd unit and sysusers entry `service install` writes on Linux (pure: text in, text out).
// Hardening per systemd.exec(5): the agent needs the network, its state directory and to read
// its config, nothing else. MemoryDenyWriteExecute stays off: V8's JIT maps executable memory.
export const LINUX_LAYOUT = {
  /** A stable path: an upgrade renames a new binary over it (the running process keeps the old inode). */
  binary: '/opt/cellfleet/bin/cellfleet-agent',
  /** Owned by the agent's user: upgrade-agent renames a verified build in here (actions/upgrade.ts). */
  binDir: '/opt/cellfleet/bin',
  configDir: '/etc/cellfleet',
  config: '/etc/cellfleet/agent.yaml',
  stateDir: '/var/lib/cellfleet',
  unit: '/etc/systemd/system/cellfleet-agent.service',
  wants: '/etc/systemd/system/multi-user.target.wants/cellfleet-agent.service',
  sysusers: '/etc/sysusers.d/cellfleet-agent.conf',
  user: 'cellfleet',
  service: 'cellfleet-agent.service',
} as const;

export interface UnitOptions {
  readonly cell: string;
  /** Extra writable paths (a dataDir outside /var/lib/cellfleet). */
  readonly readWritePaths: readonly string[];
  /** `systemctl --version`; RestartSteps/RestartMaxDelaySec exist from systemd 254 on. */
  readonly systemdVersion: number;
}

export function renderUnit(o: UnitOptions): string {
  const L = LINUX_LAYOUT;
  const backoff =
    o.systemdVersion >= 254
      ? [
          'RestartSec=2s',
          '# 2 s, growing to 5 min over 8 restarts in a row',
          'RestartSteps=8',
          'RestartMaxDelaySec=5min',
        ]
      : ['RestartSec=10s'];
  return `# Written by "cellfleet-agent service install"; "cellfleet-agent service uninstall" removes it.
[Unit]
Description=Cellfleet agent for ${o.cell} (OPC UA diagnosis, reports to the hub)
Wants=network-online.target
After=network-online.target
# Never give up restarting: the cell is unattended.
StartLimitIntervalSec=0

[Service]
Type=simple
User=${L.user}
Group=${L.user}
ExecStart=${L.binary} run --config ${L.config}
Restart=always
${backoff.join('\n')}
# Exit 2 is a bad config: restarting cannot fix it ("systemctl status" shows the message).
RestartPreventExitStatus=2
TimeoutStopSec=30s
StateDirectory=cellfleet
StateDirectoryMode=0700
# upgrade-agent swaps a signed, verified build in here and exits 75 to be restarted into it.
${[L.binDir, ...o.readWritePaths].map((p) => `ReadWritePaths=${p}\n`).join('')}UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
PrivateMounts=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM
CapabilityBoundingSet=
AmbientCapabilities=
DevicePolicy=closed

[Install]
WantedBy=multi-user.target
`;
}

/** sysusers.d(5): a system user and group, no login, home = the state directory. */
export const SYSUSERS = `# Written by "cellfleet-agent service install".
u ${LINUX_LAYOUT.user} - "Cellfleet agent" ${LINUX_LAYOUT.stateDir} /usr/sbin/nologin
`;

/** `systemd 252 (252.38-1~deb12u1)` → 252; 0 when unknown. */
export function parseSystemdVersion(text: string): number {
  return Number(/^systemd (\d+)/m.exec(text)?.[1] ?? 0);
}
