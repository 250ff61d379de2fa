export * from './certificates.ts';
export * from './certificates-csv.ts';
export * from './changes.ts';
export * from './facts.ts';
