// `cellfleet-agent run --config FILE`: the long-running agent.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cellId, type EndpointConfig } from '@cellfleet/protocol';
import pino from 'pino';
import { createActionExecutor, testPauses } from './actions/executor.ts';
import { openLedger } from './actions/ledger.ts';
import { type CliCommand, EXIT } from './cli-types.ts';
import { loadConfig } from './config/load.ts';
import { AgentError } from './errors.ts';
import { openOutbox } from './outbox/outbox.ts';
import { openAgentPki } from './pki/index.ts';
import { probeEndpoint } from './probe/index.ts';
import { type Agent, createAgent } from './runtime/agent.ts';
import { createSnapshotDuty } from './runtime/snapshots.ts';

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
  mkdirSync(config.dataDir, { recursive: true });
  const logger = pino({ level: config.logLevel, base: { svc: 'agent' } });
  const outbox = openOutbox(join(config.dataDir, 'outbox.db'), config.outbox);
  // A stable applicationUri: servers trust the agent's certificate once, not on every restart.
  const pki = await openAgentPki({
    dir: join(config.dataDir, 'pki'),
    applicationUri: `urn:cellfleet:agent:${cellId(config.identity)}`,
  });
  const probe = async (endpoint: EndpointConfig, timeoutMs: number) =>
    (await probeEndpoint(endpoint, { pki, timeoutMs })).body;
  const snapshots = createSnapshotDuty({
    cell: cellId(config.identity),
    endpoints: config.endpoints,
    pki,
    dataDir: config.dataDir,
    timeoutMs: config.probe.timeoutMs,
    newId: randomUUID,
    logger,
  });
  const ledger = openLedger(join(config.dataDir, 'ledger.db'));
  let agent: Agent | undefined;
  const executor = createActionExecutor({
    config,
    ledger,
    pki,
    log: logger,
    now: Date.now,
    probe: (endpoint) => probe(endpoint, config.probe.timeoutMs),
    reportProbe: (body) => agent?.send('probe', body),
    snapshotNow: async (probes) => {
      const messages = await snapshots.takeAll(probes);
      for (const m of messages) agent?.publish(m);
      return messages;
    },
    report: (result) => agent?.send('action-result', result),
    pauses: testPauses(process.env),
  });
  agent = createAgent({
    config,
    outbox,
    probe,
    snapshots,
    logger,
    newId: randomUUID,
    onCommand: (m) => {
      if (m.kind === 'action') executor.handle(m.body);
    },
    onInvalidAction: (body) => executor.handle(body),
  });
  agent.start();
  void executor.recover();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await agent.stop();
  await executor.idle();
  ledger.close();
  outbox.close();
  await pki.dispose();
  return EXIT.ok;
};
