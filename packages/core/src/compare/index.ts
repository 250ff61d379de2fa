export * from './certificates.ts';
export * from './classes.ts';
export * from './compare.ts';
export * from './from-tally.ts';
export * from './reference.ts';
export * from './tally.ts';
export * from './types.ts';
export * from './words.ts';
