// The Ed25519 keys that sign actions: the keyring (stage, activate, retire, sign) and the
// `keys` command. Actions sign with it; enrollment pins its public keys on each agent.
export * from './cli.ts';
export * from './keyring.ts';
export * from './routes.ts';
