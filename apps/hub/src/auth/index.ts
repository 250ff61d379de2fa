// What the hub's app.ts and main.ts wire (issue 5).
export * from './cli.ts';
export * from './cli-io.ts';
export * from './errors.ts';
export * from './plugin.ts';
export * from './routes.ts';
export * from './service.ts';
