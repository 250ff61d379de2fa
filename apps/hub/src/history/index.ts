// History for pictures (issue 16): the fleet trend's samples and one cell's history.
export * from './routes.ts';
export * from './sampler.ts';
export * from './store.ts';
