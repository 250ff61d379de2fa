// `cellfleet-agent service install|uninstall|status` (CliCommand contract in cli-types.ts).
import { isSea } from 'node:sea';
import { type CliCommand, EXIT } from '../cli-types.ts';
import { AgentError } from '../errors.ts';
import { parseServiceArgs } from './args.ts';
import { SERVICE_HELP } from './help.ts';
import { installLinux, statusLinux, uninstallLinux } from './linux.ts';
import { installWindows, statusWindows, uninstallWindows } from './windows.ts';

export const serviceCommand: CliCommand = async (argv, io) => {
  const a = parseServiceArgs(argv);
  if (a.help) {
    io.stdout.write(SERVICE_HELP);
    return EXIT.ok;
  }
  const windows = process.platform === 'win32';
  if (!windows && process.platform !== 'linux') {
    throw new AgentError('usage', `service: Linux (systemd) and Windows only, not ${process.platform}`);
  }
  if (a.action === 'status') return windows ? statusWindows(a, io) : statusLinux(a, io);
  if (a.action === 'uninstall') return windows ? uninstallWindows(a, io) : uninstallLinux(a, io);
  const binary = a.binary ?? (isSea() ? process.execPath : undefined);
  if (binary === undefined) {
    throw new AgentError(
      'usage',
      'service install installs the packaged executable: run it from there (npm run package → dist/), or give --binary FILE',
    );
  }
  const install = { ...a, config: a.config ?? '', binary };
  return windows ? installWindows(install, io) : installLinux(install, io);
};
