// Notifications from the hub: incidents, channels, routes, the durable outbox and its loop.
export * from './channels.ts';
export * from './handlers.ts';
export * from './loop.ts';
export * from './message.ts';
export * from './routes.ts';
export * from './service.ts';
