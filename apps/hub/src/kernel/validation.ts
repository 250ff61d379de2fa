// Request validation with two Ajv instances, both on fastify's defaults. Query strings, params
// and headers arrive as text, so they are coerced to their schema's types. JSON bodies already
// carry types and are not: coercion inside a union like NodeValue (string | number | boolean)
// would turn a number written to a PLC tag into the string "100" by matching the string branch.
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';

const FASTIFY_DEFAULTS = {
  useDefaults: true,
  removeAdditional: true,
  addUsedSchema: false,
  allErrors: false,
} as const;

export function installValidation(app: FastifyInstance): void {
  const coercing = new Ajv({ ...FASTIFY_DEFAULTS, coerceTypes: 'array' });
  const exact = new Ajv({ ...FASTIFY_DEFAULTS, coerceTypes: false });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? exact : coercing).compile(schema),
  );
}
