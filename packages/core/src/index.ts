export * from './backoff.ts';
export * from './canonical.ts';
export * from './liveness.ts';
export * from './diagnosis/index.ts';
