export * from './evidence.ts';
export * from './select.ts';
