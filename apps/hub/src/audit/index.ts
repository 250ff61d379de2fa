export * from './cli.ts';
export * from './export.ts';
export * from './log.ts';
export * from './routes.ts';
