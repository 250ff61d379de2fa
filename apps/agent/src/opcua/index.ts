export * from './client.ts';
export * from './deadline.ts';
export * from './discovery.ts';
export * from './session.ts';
export * from './trust.ts';
