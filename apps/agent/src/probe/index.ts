// The probe ladder and its CLI commands. cli.ts dispatches `probe` here; the
// runtime calls probeEndpoint on its schedule.
export { probeCommand } from './cli.ts';
export { type ProbeOptions, type ProbeResult, probeEndpoint } from './ladder.ts';
export { closedPort, type PeerBehaviour, type RawPeer, startRawPeer } from './raw-peers.ts';
