export * from './actions.ts';
export * from './api.ts';
export * from './auth.ts';
export * from './cells.ts';
export * from './common.ts';
export * from './route.ts';
export * from './snapshots.ts';
