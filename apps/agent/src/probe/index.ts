// The probe ladder and its CLI commands. main.ts dispatches `probe` and `trust` here; the
// runtime calls probeEndpoint on its schedule.
export { probeCommand, trustCommand } from './cli.ts';
export { type ProbeOptions, type ProbeResult, probeEndpoint } from './ladder.ts';
export { closedPort, type PeerBehaviour, type RawPeer, startRawPeer } from './raw-peers.ts';
