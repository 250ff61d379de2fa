// Users, roles, sessions and API tokens: the service, its routes and the `user` command.
export * from './cli.ts';
export * from './routes.ts';
export * from './service.ts';
