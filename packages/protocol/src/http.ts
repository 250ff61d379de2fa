// HTTP DTOs. The hub's route schemas and OpenAPI, and the UI's types, all come from these.
import Type from 'typebox';
import { BuildInfo, DiagnosisSummary, ProbeStep } from './messages/probe.ts';
import { HealthBody } from './messages/state.ts';

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const LastProbe = Type.Object({
  endpoint: Type.String(),
  url: Type.String(),
  ok: Type.Boolean(),
  at: Type.Integer(),
  durationMs: Type.Number(),
  diagnosis: DiagnosisSummary,
  findings: Type.Array(DiagnosisSummary),
  steps: Type.Array(ProbeStep),
});
export type LastProbe = Type.Static<typeof LastProbe>;

export const CellSummary = Type.Object({
  id: Type.String({ description: 'site.line.cell' }),
  site: Type.String(),
  line: Type.String(),
  cell: Type.String(),
  sisterGroup: Type.String(),
  online: Type.Boolean(),
  /** When the cell last changed between online and offline (ms since epoch); null if never seen. */
  since: Nullable(Type.Integer()),
  lastSeen: Nullable(Type.Integer()),
  agentVersion: Nullable(Type.String()),
  buildInfo: Nullable(BuildInfo),
  lastProbe: Nullable(LastProbe),
});
export type CellSummary = Type.Static<typeof CellSummary>;

export const CellDetail = Type.Object({
  ...CellSummary.properties,
  endpoints: Type.Array(Type.Object({ name: Type.String(), url: Type.String() })),
  session: Type.Integer(),
  health: Nullable(HealthBody),
  probes: Type.Array(LastProbe),
});
export type CellDetail = Type.Static<typeof CellDetail>;

export const ErrorBody = Type.Object({
  code: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
});
export type ErrorBody = Type.Static<typeof ErrorBody>;

/** Per sister group: keys to ignore and numeric tolerances for the comparison. */
export const GroupRules = Type.Object({
  ignore: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 500 })),
  tolerances: Type.Optional(
    Type.Array(
      Type.Object({
        match: Type.String({ minLength: 1, maxLength: 512 }),
        abs: Type.Optional(Type.Number({ minimum: 0 })),
        rel: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
      }),
      { maxItems: 500 },
    ),
  ),
  expiryWarningDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
});
export type GroupRules = Type.Static<typeof GroupRules>;
