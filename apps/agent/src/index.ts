// @cellfleet/agent's public surface: what the demo, the fleet simulator, the benchmarks and the
// end-to-end tests may use. The command line (main.ts) does not go through here, so running
// `cellfleet-agent` loads only what its command needs.
export { loadConfig, parseConfig, type ResolvedConfig } from './config/load.ts';
export { EVENT_LOG_DEFAULTS, eventLogUrl, readKepwareRejections } from './eventlog/kepware.ts';
export { createHttpClient, type HttpClient, HttpError, type HttpPolicy } from './http/client.ts';
export {
  type BrokerAddress,
  type ConnectLink,
  type LinkEvents,
  type LinkHooks,
  mqttLink,
} from './link/mqtt-link.ts';
export { openSession } from './opcua/session.ts';
export { createMemoryOutbox } from './outbox/memory.ts';
export type { Outbox, OutboxLimits } from './outbox/outbox.ts';
export { type AgentPki, openAgentPki } from './pki/index.ts';
// Issue 12's hostile-server tooling, for the suites and the benchmarks: scripted hostile peers,
// seeded mutations of a real server's answers, the fuzz runner, the CLI as a real process.
export { type CliRun, onlyJson, runProbeCli, treePeakKb } from './probe/cli-run.ts';
export {
  type FuzzCase,
  type FuzzOutcome,
  type FuzzTarget,
  fuzzInCli,
  fuzzInPool,
  fuzzTarget,
  mutationCases,
  recordCorpus,
  scriptedCases,
  summarize,
} from './probe/fuzz.ts';
export { type PeerFrame, type PeerScript, type PeerStep, startHostilePeer } from './probe/hostile-peer.ts';
export { HOSTILE_SCRIPTS, type HostileScript } from './probe/hostile-scripts.ts';
export {
  closedPort,
  type PeerBehaviour,
  type ProbeResult,
  probeEndpoint,
  type RawPeer,
  startRawPeer,
} from './probe/index.ts';
// Issue 12: probes run in probe hosts (child processes); many agents in one process share a pool.
export { createProbePool, type ProbePool } from './probe/isolate/pool.ts';
export { type CorpusFrame, corpusOf, MUTATION_OPS, planMutation } from './probe/mutate.ts';
export {
  type Agent,
  type AgentTask,
  type AgentTimers,
  createAgent,
  REAL_TIMERS,
  type SnapshotDuty,
} from './runtime/agent.ts';
export { type RunningAgent, startAgentRuntime } from './runtime/start.ts';
export { pool } from './snapshot/batch.ts';
export { createSnapshotPublisher, type Publication } from './snapshot/publisher.ts';
export { takeSnapshot } from './snapshot/snapshotter.ts';
export { startTestServer, type TestServer, type TestServerOptions } from './testing.ts';
