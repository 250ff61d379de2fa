// What the end-to-end suites and the benchmarks use to test the agent from outside (issue 12):
// hostile OPC UA peers and their scripts, seeded mutations, the fuzz runner, the CLI as a real
// process, in-process test servers, and the probe pool and ladder they drive. Test tooling only:
// nothing in the agent imports this file.
export { startTestServer, type TestServer, type TestServerOptions } from './opcua/testing.ts';
export { openAgentPki } from './pki/pki.ts';
export { type CliRun, onlyJson, runProbeCli, treePeakKb } from './probe/cli-run.ts';
export * from './probe/fuzz.ts';
export { type PeerFrame, type PeerScript, type PeerStep, startHostilePeer } from './probe/hostile-peer.ts';
export { HOSTILE_SCRIPTS, type HostileScript } from './probe/hostile-scripts.ts';
export { createProbePool, type ProbePool } from './probe/isolate/pool.ts';
export { probeEndpoint } from './probe/ladder.ts';
export { type CorpusFrame, corpusOf, MUTATION_OPS, planMutation } from './probe/mutate.ts';
export { closedPort, type RawPeer, startRawPeer } from './probe/raw-peers.ts';
