export * from './certs.ts';
export * from './classify.ts';
export * from './codes.ts';
export * from './diagnose.ts';
export * from './evidence.ts';
export { formatThumbprint, knowledgeFor } from './render.ts';
export * from './select.ts';
export { detectVendor } from './vendor.ts';
