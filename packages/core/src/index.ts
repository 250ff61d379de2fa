export * from './backoff.ts';
export * from './canonical.ts';
