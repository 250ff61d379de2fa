export * from './enroll.ts';
export * from './fleet.ts';
export * from './messages.ts';
export * from './sim-agent.ts';
export * from './sim-config.ts';
export * from './sim-snapshots.ts';
export * from './stats.ts';
