export * from './cli.ts';
export * from './routes.ts';
export * from './service.ts';
export * from './sqlite-store.ts';
export * from './store.ts';
