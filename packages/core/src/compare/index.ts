export * from './certificates.ts';
export * from './classes.ts';
export * from './compare.ts';
export * from './reference.ts';
export * from './types.ts';
export * from './words.ts';
