// `cellfleet-agent run --config FILE`: the long-running agent.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isSea } from 'node:sea';
import { parseArgs } from 'node:util';
import { createLogger } from '@cellfleet/logs';
import { type AgentInvocation, cellId } from '@cellfleet/protocol';
import { type CliCommand, EXIT } from './cli-types.ts';
import { loadConfig } from './config/load.ts';
import { ENROLL_OPTIONS, enrollFlagsOf } from './enroll/flags.ts';
import { AgentError } from './errors.ts';
import { createProbePool } from './probe/isolate/pool.ts';
import { buildInfo, versionLabel } from './version.ts';

export const RUN_HELP = `cellfleet-agent run — probe this cell's OPC UA endpoints and report to the hub

Usage:
  cellfleet-agent run --config FILE
  cellfleet-agent run --config FILE --enroll-token T --hub URL [--hub-fingerprint SHA256 | --hub-ca FILE]

The config file comes from "cellfleet-hub enroll", or from a one-time enrollment token: with
--enroll-token, a first start whose config FILE does not exist yet exchanges the token at the hub
for the agent's credentials and writes FILE (mode 0600; see cellfleet-agent enroll --help); once
FILE exists, the token is not used again. The agent keeps its outbox, PKI and ledger in
the config's dataDir (default: ./data beside the config file). Every message waits in the
outbox until the hub has stored it, so stopping the agent or the hub loses nothing.
Stop with SIGINT or SIGTERM; the hub then shows the cell offline at once.
`;

export const runCommand: CliCommand = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', short: 'c' },
      'enroll-token': { type: 'string' },
      'upgrade-trial': { type: 'boolean' },
      ...ENROLL_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  if (!values.config)
    throw new AgentError('usage', '--config FILE is required (see cellfleet-agent run --help)');
  const token = values['enroll-token'];
  if (token !== undefined && !existsSync(values.config)) {
    const { enrollAgent } = await import('./enroll/cli.ts');
    const id = await enrollAgent(enrollFlagsOf(values, token, values.config));
    io.stderr.write(`cellfleet-agent run: enrolled ${id}; config written to ${values.config}\n`);
  } else if (token === undefined && (values.hub ?? values['hub-fingerprint'] ?? values['hub-ca']))
    throw new AgentError('usage', '--hub, --hub-fingerprint and --hub-ca go with --enroll-token');
  const config = loadConfig(values.config);
  // upgrade-agent runs a new build this way before it replaces the old one (actions/upgrade.ts).
  if (values['upgrade-trial']) return (await import('./runtime/trial.ts')).upgradeTrial(config, io);
  // The cell id on every line: one agent is one cell, and a log collector gathers many.
  const logs = createLogger({ service: 'agent', level: config.logLevel, config: config.log });
  const logger = logs.logger.child({ cell: cellId(config.identity) });
  // The probe host loads node-opcua while this process loads the runtime: the first probe
  // waits for one import, not two in a row.
  const probePool = createProbePool({ onLog: (line) => logger.debug({ host: line }, 'probe host') });
  probePool.warm();
  const { startAgentRuntime } = await import('./runtime/start.ts');
  const version = versionLabel(buildInfo());
  const running = await startAgentRuntime(config, {
    logger,
    probePool,
    invocation: invocationOf(config.file),
    version,
    // Only a packaged agent has one file to replace; from a checkout upgrade-agent is refused.
    ...(isSea()
      ? { upgrade: { binary: process.execPath, version, restart: () => process.exit(EXIT.upgraded) } }
      : {}),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.stop();
  await probePool.close();
  await logs.close();
  return EXIT.ok;
};

/**
 * How this agent was started, for the hub's exact fix commands: the packaged executable's own
 * path, or the npm bin name from a checkout; the config file as an absolute path.
 */
export function invocationOf(configFile: string): AgentInvocation {
  return { command: isSea() ? process.execPath : 'cellfleet-agent', config: resolve(configFile) };
}
