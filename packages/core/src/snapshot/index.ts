export * from './canonical.ts';
export * from './delta.ts';
export * from './diff.ts';
export * from './glob.ts';
export * from './keys.ts';
export * from './rules.ts';
export * from './types.ts';
export * from './words.ts';
