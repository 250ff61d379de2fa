export * from './cli.ts';
export * from './drift-feed.ts';
export * from './parsed-cache.ts';
export * from './routes.ts';
export * from './service.ts';
export * from './sisters.ts';
export * from './sql-store.ts';
export * from './store.ts';
