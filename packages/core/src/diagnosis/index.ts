export * from './agent-commands.ts';
export * from './certs.ts';
export * from './classify.ts';
export * from './clients.ts';
export * from './codes.ts';
export * from './detect.ts';
export * from './diagnose.ts';
export * from './evidence.ts';
export * from './health.ts';
export {
  clientsShowFor,
  formatThumbprint,
  knowledgeFor,
  orderRemediation,
  remediationFor,
} from './render.ts';
export * from './search.ts';
export * from './select.ts';
export { DOCS_BEGIN, DOCS_END, vendorDocs } from './vendors/docs.ts';
export { profileOf, resolveVendorChoice, VENDOR_PROFILES, vendorChoices } from './vendors/index.ts';
export type * from './vendors/types.ts';
