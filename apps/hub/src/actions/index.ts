// Maintenance-window actions: proposals, approvals, windows, signed dispatch and results.
export * from './routes.ts';
export * from './service.ts';
export * from './store.ts';
export * from './windows.ts';
