// Assembles a running agent from a validated config: outbox, PKI, probe ladder, snapshot duty,
// action ledger and executor, and the MQTT runtime. `cellfleet-agent run` and the demo both
// start agents through here, so the demo's agents are the real thing.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AgentInvocation,
  agentSubscriptions,
  type ClientConfig,
  cellId,
  type EndpointConfig,
} from '@cellfleet/protocol';
import type { Logger } from 'pino';
import type { UpgradeHooks } from '../actions/context.ts';
import { openLedger } from '../actions/ledger.ts';
import type { ResolvedConfig } from '../config/load.ts';
import { mqttLink } from '../link/mqtt-link.ts';
import { agentRegistry, startAgentMetrics } from '../metrics/server.ts';
import { openOutbox } from '../outbox/outbox.ts';
import { type AgentPki, openAgentPki, runtimePkiDir } from '../pki/index.ts';
import { createProbePool, type ProbePool } from '../probe/isolate/pool.ts';
import { type Agent, createAgent, withCell } from './agent.ts';
import { createCaptureKeeper } from './captures.ts';
import { lazyActionExecutor, lazySnapshotDuty } from './lazy.ts';

export interface RunningAgent {
  readonly agent: Agent;
  readonly pki: AgentPki;
  /** The loopback metrics address (config `metrics.port`), when on. */
  readonly metricsUrl: string | undefined;
  /** Stops probing, lets a running action finish, says goodbye to the hub, closes the stores. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly logger: Logger;
  /** Many agents in one process (the demo) should not each watch their PKI folders. */
  readonly disableFileWatchers?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Where probes run (issue 12: isolated, so no server can crash or bloat the agent). Many
   * agents in one process (the demo) share one; by default each agent has its own.
   */
  readonly probePool?: ProbePool;
  /** How `run` was started, reported in the birth (the hub's exact fix commands). */
  readonly invocation?: AgentInvocation;
  /** The version the birth reports (the hub shows it; an upgrade is proven by it). */
  readonly version?: string;
  /** A packaged agent under a service: what upgrade-agent replaces and how it restarts. */
  readonly upgrade?: UpgradeHooks;
}

export async function startAgentRuntime(config: ResolvedConfig, o: StartOptions): Promise<RunningAgent> {
  mkdirSync(config.dataDir, { recursive: true });
  const cell = cellId(config.identity);
  const logger = o.logger;
  // Started first: the probe host loads node-opcua while this process opens its stores and PKI.
  const pool =
    o.probePool ?? createProbePool({ onLog: (line) => logger.debug({ host: line }, 'probe host') });
  pool.warm();
  const outbox = openOutbox(join(config.dataDir, 'outbox.db'), config.outbox);
  // A stable applicationUri: servers trust the agent's certificate once, not on every restart.
  const pki = await openAgentPki({
    dir: runtimePkiDir(config.dataDir),
    applicationUri: `urn:cellfleet:agent:${cell}`,
    ...(o.disableFileWatchers ? { disableFileWatchers: true } : {}),
  });
  const captures = createCaptureKeeper({ dir: join(config.dataDir, 'captures'), now: Date.now });
  let agent: Agent | undefined;
  // The earliest expiry among the server certificates each endpoint last presented.
  const serverCerts = new Map<string, number>();
  const startedAt = Date.now();
  const healthExtras = () => {
    const server = Math.min(...serverCerts.values());
    return {
      uptimeS: Math.floor((Date.now() - startedAt) / 1000),
      rssBytes: process.memoryUsage.rss(),
      agentCertNotAfter: pki.certificate.notAfter,
      ...(Number.isFinite(server) ? { serverCertNotAfter: server } : {}),
    };
  };
  const probe = async (endpoint: EndpointConfig, timeoutMs: number, client?: ClientConfig) => {
    const r = await pool.probe(endpoint, {
      pki: { dir: pki.dir, applicationUri: pki.applicationUri },
      timeoutMs,
      ...(client ? { client } : {}),
    });
    const cert = r.body.serverCertificate;
    if (cert && !client) serverCerts.set(endpoint.name, cert.notAfter);
    // The host trusted the certificate on disk; snapshots and actions use this process's index.
    if (r.evidence.serverCertificateTrust === 'trusted-on-first-use')
      await pki.certificateManager.reloadCertificates();
    try {
      const upload = captures.keep(endpoint.name, client?.name, r);
      if (upload) agent?.send('capture', upload);
    } catch (err) {
      logger.warn({ endpoint: endpoint.name, err: (err as Error).message }, 'cannot keep the probe capture');
    }
    return r.body;
  };
  const snapshots = lazySnapshotDuty({
    cell,
    endpoints: config.endpoints,
    pki,
    dataDir: config.dataDir,
    timeoutMs: config.probe.timeoutMs,
    newId: randomUUID,
    logger,
  });
  const ledger = openLedger(join(config.dataDir, 'ledger.db'));
  const executor = lazyActionExecutor(
    {
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
      ...(o.upgrade ? { upgrade: o.upgrade } : {}),
    },
    o.env ?? process.env,
  );
  agent = createAgent({
    config,
    outbox,
    link: mqttLink({
      url: config.hub.url,
      username: config.hub.username,
      password: config.hub.password,
      clientId: `cellfleet-agent-${cell}`,
      keepaliveSec: config.hub.keepaliveSec,
      ...(config.hub.caFile ? { caFile: config.hub.caFile } : {}),
      subscriptions: agentSubscriptions(config.identity),
      logger: withCell(logger, cell),
    }),
    probe,
    snapshots,
    logger,
    newId: randomUUID,
    ...(o.invocation ? { invocation: o.invocation } : {}),
    ...(o.version ? { version: o.version } : {}),
    onCommand: (m) => {
      if (m.kind === 'action') executor.handle(m.body);
    },
    onInvalidAction: (body) => executor.handle(body),
    healthExtras,
  });
  agent.start();
  const running0 = agent;
  const metrics =
    config.metricsPort === undefined
      ? undefined
      : await startAgentMetrics(
          config.metricsPort,
          agentRegistry({
            outbox: () => outbox.stats(Date.now()),
            link: () => running0.figures(),
            connected: () => running0.link.connected,
            extras: healthExtras,
            serverCerts: () => serverCerts,
          }),
        );
  if (metrics) logger.info({ cell, url: `${metrics.url}/metrics` }, 'agent metrics on loopback');
  void executor.recover();
  const running = agent;
  return {
    agent: running,
    pki,
    metricsUrl: metrics?.url,
    async stop() {
      await metrics?.close();
      await running.stop();
      await executor.idle();
      ledger.close();
      outbox.close();
      if (!o.probePool) await pool.close();
      await pki.dispose();
    },
  };
}
