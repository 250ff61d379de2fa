// What the hub's app.ts and main.ts wire (issue 5).
export * from './keys.ts';
export * from './keys-cli.ts';
export * from './routes.ts';
export * from './service.ts';
export * from './store.ts';
export * from './windows.ts';
