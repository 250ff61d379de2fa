// Maintenance-window actions: proposals, approvals, windows, signed dispatch and results.

export * from './build-cli.ts';
export * from './build-routes.ts';
export * from './builds.ts';
export * from './feed.ts';
export * from './routes.ts';
export * from './service.ts';
export * from './store.ts';
export * from './windows.ts';
