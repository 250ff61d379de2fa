export * from './pcapng.ts';
