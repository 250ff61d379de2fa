// Pieces every HTTP DTO uses.
import Type from 'typebox';
import { CELL_ID_PATTERN } from '../ids.ts';

export const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
/**
 * One of a few strings, as `{ type: 'string', enum }` rather than a union of literals: OpenAPI
 * lists the values, ajv checks them on input, and a response is written as a plain string.
 * (fast-json-stringify checks each value of an `anyOf` against every branch with an ajv validator
 * it compiles on first use: ~28 ms of a restarted hub's first sister comparison.)
 */
export const StringEnum = <const T extends string[]>(
  values: readonly [...T],
  options: Type.TSchemaOptions = {},
) => Type.Enum(values, { ...options, type: 'string' });
export const Millis = Type.Integer({ minimum: 0 });
export const CellIdString = Type.String({ pattern: CELL_ID_PATTERN });
/** Any JSON value (configuration values, audit data): typed `unknown`, serialized as is. */
export const JsonValue = Type.Unknown();

export const ErrorBody = Type.Object({
  code: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
});
export type ErrorBody = Type.Static<typeof ErrorBody>;

/** The error answers every guarded route may give (bad input, no caller, wrong role). */
export const GUARDED_ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody } as const;

/**
 * metrics < viewer < engineer < approver < admin: each includes the rights of those before it.
 * `metrics` may read GET /metrics and nothing else: the token a Prometheus server scrapes with.
 */
export const ROLES = ['metrics', 'viewer', 'engineer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = StringEnum(ROLES);
