// A probe result: the ladder the agent walked and the diagnosis it reached.
// Later minor versions may add fields; receivers ignore what they do not know.
import Type from 'typebox';

export const BuildInfo = Type.Object({
  productName: Type.String(),
  manufacturerName: Type.String(),
  softwareVersion: Type.String(),
  buildNumber: Type.String(),
  productUri: Type.Optional(Type.String()),
  buildDate: Type.Optional(Type.String()),
});
export type BuildInfo = Type.Static<typeof BuildInfo>;

export const ProbeStep = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  ok: Type.Boolean(),
  ms: Type.Number({ minimum: 0 }),
  detail: Type.Optional(Type.String({ maxLength: 4096 })),
});
export type ProbeStep = Type.Static<typeof ProbeStep>;

export const Severity = Type.Union([
  Type.Literal('ok'),
  Type.Literal('info'),
  Type.Literal('warning'),
  Type.Literal('error'),
  Type.Literal('critical'),
]);
export type Severity = Type.Static<typeof Severity>;

export const DiagnosisCode = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 });

export const DiagnosisSummary = Type.Object({
  code: DiagnosisCode,
  severity: Severity,
  summary: Type.String({ maxLength: 1024 }),
});
export type DiagnosisSummary = Type.Static<typeof DiagnosisSummary>;

export const ProbeBody = Type.Object({
  endpoint: Type.String({ minLength: 1, maxLength: 64 }),
  url: Type.String({ maxLength: 512 }),
  ok: Type.Boolean(),
  startedAt: Type.Integer({ minimum: 0 }),
  durationMs: Type.Number({ minimum: 0 }),
  steps: Type.Array(ProbeStep, { maxItems: 64 }),
  diagnosis: DiagnosisSummary,
  findings: Type.Array(DiagnosisSummary, { maxItems: 64 }),
  server: Type.Optional(
    Type.Object({
      buildInfo: Type.Optional(BuildInfo),
      state: Type.Optional(Type.String()),
      currentTime: Type.Optional(Type.Integer()),
    }),
  ),
});
export type ProbeBody = Type.Static<typeof ProbeBody>;
