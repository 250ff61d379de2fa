export * from './certificate-info.ts';
export * from './pki.ts';
