export * from './actions/index.ts';
export * from './audit/index.ts';
export * from './backoff.ts';
export * from './canonical.ts';
export * from './diagnosis/index.ts';
export * from './liveness.ts';
