// The fleet-wide pages of issue 16: the certificate inventory and the change feed.
export * from './feed.ts';
export * from './handlers.ts';
export * from './routes.ts';
export * from './store.ts';
