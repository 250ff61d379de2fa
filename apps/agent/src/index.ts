// @cellfleet/agent's public surface: what the demo, the fleet simulator, the benchmarks and the
// end-to-end tests may use. The command line (main.ts) does not go through here, so running
// `cellfleet-agent` loads only what its command needs.
export { loadConfig, parseConfig, type ResolvedConfig } from './config/load.ts';
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
export {
  closedPort,
  type PeerBehaviour,
  type ProbeResult,
  probeEndpoint,
  type RawPeer,
  startRawPeer,
} from './probe/index.ts';
export {
  type Agent,
  type AgentTask,
  type AgentTimers,
  createAgent,
  REAL_TIMERS,
  type SnapshotDuty,
} from './runtime/agent.ts';
export { type RunningAgent, startAgentRuntime } from './runtime/start.ts';
// Issue 12: probes run in probe hosts (child processes); many agents in one process share a pool.
export { createProbePool, type ProbePool } from './probe/isolate/pool.ts';
export { pool } from './snapshot/batch.ts';
export { createSnapshotPublisher, type Publication } from './snapshot/publisher.ts';
export { takeSnapshot } from './snapshot/snapshotter.ts';
