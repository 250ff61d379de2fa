// Enrolled cells and what their agents said: the store, enrollment, their routes and commands.
export * from './broker-files.ts';
export * from './captures.ts';
export * from './cli.ts';
export * from './enroll.ts';
export * from './invocations.ts';
export * from './routes.ts';
export * from './store.ts';
export * from './token-routes.ts';
export * from './tokens.ts';
