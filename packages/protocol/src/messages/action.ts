// Maintenance-window actions (issue 5): the hub's signed dispatch and the agent's result.
// Kept minimal until the actions work lands.
import Type from 'typebox';

export const ActionBody = Type.Object({
  action: Type.Record(Type.String(), Type.Unknown()),
  signature: Type.String({ minLength: 1, maxLength: 256 }),
  keyId: Type.String({ minLength: 1, maxLength: 128 }),
});
export type ActionBody = Type.Static<typeof ActionBody>;

export const ActionResultBody = Type.Object({
  actionId: Type.String({ minLength: 1, maxLength: 64 }),
  outcome: Type.String({ minLength: 1, maxLength: 32 }),
  detail: Type.Optional(Type.String({ maxLength: 4096 })),
});
export type ActionResultBody = Type.Static<typeof ActionResultBody>;
