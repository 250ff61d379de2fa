// @cellfleet/testkit: the helpers every suite that talks to real servers shares — a throwaway
// PostgreSQL and Mosquitto from Debian's packages, repository scripts as child processes, free
// ports, temp folders, waiting, a headless Chromium. Tests and benchmarks import it; apps never do.

export * from './chaos-proxy.ts';
export * from './child.ts';
export * from './chromium.ts';
export * from './files.ts';
export * from './mosquitto.ts';
export * from './ports.ts';
export * from './postgres.ts';
export * from './receivers.ts';
export * from './wait.ts';
