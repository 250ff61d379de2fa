// The Windows service, planned as data (pure): files to write and commands to run. A Windows
// service must answer the Service Control Manager (StartServiceCtrlDispatcher), which plain
// Node cannot; WinSW (the wrapper Jenkins ships, MIT; from the node-windows package on the npm
// registry, embedded in the packaged .exe) answers it and runs the agent as its child. The SCM's
// own recovery actions (sc.exe failure) restart it after a crash, with growing delays.
import { win32 } from 'node:path';

export const SERVICE_ID = 'cellfleet-agent';

export function windowsLayout(systemDrive: string) {
  const program = win32.join(systemDrive, 'Program Files', 'Cellfleet');
  const data = win32.join(systemDrive, 'ProgramData', 'Cellfleet');
  return {
    dir: program,
    /** A stable path: an upgrade renames the running .exe aside and puts the new one here. */
    binary: win32.join(program, 'cellfleet-agent.exe'),
    wrapper: win32.join(program, 'cellfleet-agent-service.exe'),
    wrapperConfig: win32.join(program, 'cellfleet-agent-service.exe.config'),
    xml: win32.join(program, 'cellfleet-agent-service.xml'),
    dataRoot: data,
    config: win32.join(data, 'agent.yaml'),
    stateDir: win32.join(data, 'data'),
    logs: win32.join(data, 'logs'),
  };
}
export type WindowsLayout = ReturnType<typeof windowsLayout>;

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderWinswXml(layout: WindowsLayout, cell: string): string {
  return `<!-- Written by "cellfleet-agent service install"; read by cellfleet-agent-service.exe (WinSW). -->
<service>
  <id>${SERVICE_ID}</id>
  <name>Cellfleet agent</name>
  <description>${xml(`Cellfleet agent for ${cell}: OPC UA diagnosis, reports to the hub.`)}</description>
  <executable>${xml(layout.binary)}</executable>
  <arguments>run --config "${xml(layout.config)}"</arguments>
  <startmode>Automatic</startmode>
  <depend>Tcpip</depend>
  <onfailure action="restart" delay="10 sec"/>
  <onfailure action="restart" delay="30 sec"/>
  <onfailure action="restart" delay="2 min"/>
  <resetfailure>1 hour</resetfailure>
  <stoptimeout>30 sec</stoptimeout>
  <logpath>${xml(layout.logs)}</logpath>
  <log mode="roll-by-size">
    <sizeThreshold>10240</sizeThreshold>
    <keepFiles>8</keepFiles>
  </log>
</service>
`;
}

/** Well-known SIDs, so the ACLs work on every language of Windows. */
const SID = { system: '*S-1-5-18', admins: '*S-1-5-32-544', localService: '*S-1-5-19' } as const;

export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
}

export function installCommands(layout: WindowsLayout, start: boolean): Command[] {
  const sc = (...args: string[]) => ({ cmd: 'sc.exe', args });
  return [
    // The config holds the hub password: SYSTEM and Administrators, and the service's account reading.
    {
      cmd: 'icacls',
      args: [
        layout.config,
        '/inheritance:r',
        '/grant:r',
        `${SID.system}:F`,
        `${SID.admins}:F`,
        `${SID.localService}:R`,
      ],
    },
    {
      cmd: 'icacls',
      args: [
        layout.stateDir,
        '/inheritance:r',
        '/grant:r',
        `${SID.system}:(OI)(CI)F`,
        `${SID.admins}:(OI)(CI)F`,
        `${SID.localService}:(OI)(CI)M`,
      ],
    },
    { cmd: 'icacls', args: [layout.logs, '/grant', `${SID.localService}:(OI)(CI)M`] },
    { cmd: layout.wrapper, args: ['install'] },
    // Least privilege: LocalService has no password and no admin rights.
    sc('config', SERVICE_ID, 'start=', 'auto', 'obj=', 'NT AUTHORITY\\LocalService', 'password=', ''),
    // After a crash: restart in 10 s, then 30 s, then every 2 min; the count resets after an hour.
    sc('failure', SERVICE_ID, 'reset=', '3600', 'actions=', 'restart/10000/restart/30000/restart/120000'),
    // Also when the wrapper reports a stop with a non-zero exit code.
    sc('failureflag', SERVICE_ID, '1'),
    ...(start ? [sc('start', SERVICE_ID)] : []),
  ];
}

export function uninstallCommands(layout: WindowsLayout): Command[] {
  return [
    { cmd: 'sc.exe', args: ['stop', SERVICE_ID] },
    { cmd: layout.wrapper, args: ['uninstall'] },
  ];
}
