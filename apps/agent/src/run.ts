// `cellfleet-agent run --config FILE`: the long-running agent.
import { parseArgs } from 'node:util';
import { createLogger } from '@cellfleet/logs';
import { cellId } from '@cellfleet/protocol';
import { type CliCommand, EXIT } from './cli-types.ts';
import { loadConfig } from './config/load.ts';
import { AgentError } from './errors.ts';
import { createProbePool } from './probe/isolate/pool.ts';

export const RUN_HELP = `cellfleet-agent run — probe this cell's OPC UA endpoints and report to the hub

Usage:
  cellfleet-agent run --config FILE

The config file comes from "cellfleet-hub enroll". The agent keeps its outbox, PKI and ledger in
the config's dataDir (default: ./data beside the config file). Every message waits in the
outbox until the hub has stored it, so stopping the agent or the hub loses nothing.
Stop with SIGINT or SIGTERM; the hub then shows the cell offline at once.
`;

export const runCommand: CliCommand = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  if (!values.config)
    throw new AgentError('usage', '--config FILE is required (see cellfleet-agent run --help)');
  const config = loadConfig(values.config);
  // The cell id on every line: one agent is one cell, and a log collector gathers many.
  const logs = createLogger({ service: 'agent', level: config.logLevel, config: config.log });
  const logger = logs.logger.child({ cell: cellId(config.identity) });
  // The probe host loads node-opcua while this process loads the runtime: the first probe
  // waits for one import, not two in a row.
  const probePool = createProbePool({ onLog: (line) => logger.debug({ host: line }, 'probe host') });
  probePool.warm();
  const { startAgentRuntime } = await import('./runtime/start.ts');
  const running = await startAgentRuntime(config, { logger, probePool });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.stop();
  await probePool.close();
  await logs.close();
  return EXIT.ok;
};
